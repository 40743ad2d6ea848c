"""Disclosure control for everything the public sees: which figures a page may print.

A *publication* is the set of figures one public page prints — every n, percentage,
interval and mean, city-wide and per neighborhood, with its rounding. This is not
`surveys/release.py`, which releases *responses* to staff in daily batches.

- `intruder.py`: the attacker, an integer programme (`scipy.optimize.milp`) that, given
  what is printed, computes the tightest range each hidden count can take;
- `cells.py`: the counts behind one question's figures (the cells to protect);
- `publication.py`: decides what a page prints and audits it as a whole with the
  intruder, withholding a question (with its reason) when protection fails;
- `differencing.py`: the same intruder reading two releases of one period (a
  re-publication, surveys/frozen_releases.py) and bounding each difference;
- `newcomers.py`: the p%-rule of `dominance.py` on the answers that came or went
  between two releases, whose total a free-number mean's difference prints;
- `published_windows.py`: the frozen periods paper imports may not add rows to.

The rule: a hidden count from 1 to k−1 must keep a range that includes 0 or reaches k,
and no printed figure rests on fewer than k people (docs/privacy.md).
"""
