"""The rich-text features organizers get on every page: headings, emphasis, lists, links."""

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]
