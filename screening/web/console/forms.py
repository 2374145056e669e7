"""The console's forms (WTForms via Flask-WTF; each renders the hidden ``csrf_token``)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    EmailField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional


def _choices(*pairs: tuple[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=320)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])


class ResolveForm(FlaskForm):
    outcome = RadioField(
        "Decision",
        choices=_choices(("approve", "Approve the signup"), ("decline", "Decline the signup")),
        validators=[DataRequired(message="Choose approve or decline.")],
    )
    note = TextAreaField(
        "Note (why; no personal details beyond the case)",
        validators=[DataRequired(message="Write a note."), Length(max=5000)],
    )
    label = SelectField(
        "Label for backtests and training",
        choices=_choices(("", "No label"), ("fraud", "Fraud"), ("legitimate", "Legitimate")),
        validators=[Optional()],
    )


class CandidateForm(FlaskForm):
    source = TextAreaField("Rule set (YAML)", validators=[DataRequired(), Length(max=256 * 1024)])
    note = StringField("Why (shown in the history)", validators=[Length(max=500)])


class DecisionNoteForm(FlaskForm):
    note = StringField("Note", validators=[Length(max=500)])


class SimulateForm(FlaskForm):
    first_name = StringField("First name", validators=[Length(max=200)])
    last_name = StringField("Last name", validators=[Length(max=200)])
    email = StringField("Email", validators=[Length(max=320)])
    phone = StringField("Phone", validators=[Length(max=64)])
    line1 = StringField("Address line 1", validators=[Length(max=200)])
    city = StringField("City", validators=[Length(max=200)])
    postal_code = StringField("Postal code", validators=[Length(max=20)])
    country = StringField("Country (ISO code, e.g. BE)", validators=[Length(max=2)])


class BacktestForm(FlaskForm):
    since = StringField("Window (e.g. 30d, 24h)", default="30d", validators=[Length(max=40)])


class ListEntryForm(FlaskForm):
    list_name = SelectField("List", choices=_choices(("block", "Block"), ("allow", "Allow")))
    kind = SelectField(
        "Kind",
        choices=_choices(
            ("email", "Email address"),
            ("email_domain", "Email domain"),
            ("phone", "Phone (international form)"),
        ),
    )
    value = StringField("Value", validators=[DataRequired(), Length(max=320)])
    reason = StringField(
        "Reason (a case number, never a person's details)",
        validators=[DataRequired(), Length(max=200)],
    )
    expires_at = DateTimeLocalField(
        "Expires (UTC, optional)", format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )


class NotifiedForm(FlaskForm):
    at = DateTimeLocalField(
        "When (UTC; empty for now)", format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
