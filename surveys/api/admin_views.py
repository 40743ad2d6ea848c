"""Staff's own API tokens in the Wagtail admin: list, create (the secret shown once) and
revoke. Nobody sees or revokes another's tokens here; a superuser can in the database.

Making a token needs a second factor when signing in does (REQUIRE_MFA): a token is a
way in that skips sign-in, so it must not be easier to get than a session.
"""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.accounts import has_second_factor

from ..access import VIEW_RESPONSES, surveys_visible_to
from .tokens import MAX_DAYS, ApiToken, TokenError, create_token, revoke_token

DEFAULT_DAYS = 90


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("What the token is for, e.g. “R script on my laptop”."),
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("At most a year from today."),
    )
    surveys = forms.ModelMultipleChoiceField(
        label=_("Surveys"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only surveys you are granted. Removing a grant later narrows the token."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["surveys"].queryset = surveys_visible_to(user, VIEW_RESPONSES).order_by("title")
        self.fields["expires_on"].initial = timezone.localdate() + datetime.timedelta(
            days=DEFAULT_DAYS
        )

    def clean(self):
        cleaned = super().clean()
        expires_on = cleaned.get("expires_on")
        today = timezone.localdate()
        if expires_on and not today < expires_on <= today + datetime.timedelta(days=MAX_DAYS):
            self.add_error(
                "expires_on", gettext("The expiry date must be after today and within a year.")
            )
        return cleaned


def mfa_missing(user) -> bool:
    return settings.REQUIRE_MFA and not has_second_factor(user)


class TokensView(WagtailAdminTemplateMixin, FormView):
    """The person's own tokens, and a form to make one; the new secret is shown once, in
    the response to the form, and never stored."""

    template_name = "surveys/admin/api_tokens.html"
    form_class = TokenForm
    header_icon = "key"

    def get_page_title(self):
        return gettext("API tokens")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def post(self, request, *args, **kwargs):
        if mfa_missing(request.user):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            token, secret = create_token(
                user=self.request.user,
                name=data["name"],
                expires_on=data["expires_on"],
                surveys=data["surveys"],
            )
        except TokenError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        context = self.get_context_data(form=self.get_form_class()(user=self.request.user))
        return self.render_to_response({**context, "created": token, "secret": secret})

    def get_context_data(self, **kwargs):
        tokens = ApiToken.objects.filter(user=self.request.user).prefetch_related("surveys")
        return super().get_context_data(
            tokens=tokens,
            today=timezone.localdate(),
            mfa_missing=mfa_missing(self.request.user),
            **kwargs,
        )

    @classmethod
    def as_view(cls, **initkwargs):
        return never_cache(super().as_view(**initkwargs))


class RevokeTokenView(View):
    http_method_names = ["post"]

    def post(self, request, token_id: int):
        if revoke_token(user=request.user, token_id=token_id):
            messages.success(request, gettext("The token is revoked: it no longer works."))
        else:
            messages.error(request, gettext("No such token of yours is still active."))
        return redirect("api_tokens:index")
