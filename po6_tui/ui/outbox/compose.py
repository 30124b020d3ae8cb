"""Compose (m), reply (r), reply to all (a) and forward (f), from any mailbox the plan lets send.

A reply goes to the original sender; reply to all also copies (Cc) the other recipients, less the
mailbox's own address. Cc is editable on replies and forwards. PO6's reply and forward tools take
no Cc, so a reply or forward with a Cc is sent with compose_email: the same subject, the quote
or the original text below the note, but not threaded by In-Reply-To and without the original's
attachments (the screen says so).

Addresses are checked before anything is sent; a forward respects the plan's recipient cap
before the server is asked; the confirmation shows exactly what goes and the quota left; the
send goes through `outbound.send_once` (never twice). What is typed is saved to the journal as
it is typed: Esc closes and keeps it, reopening the same reply (or compose) offers it back, a
failed send leaves it in place. ctrl+t starts from a template, ctrl+l adds recipients from a
contact list.

`open_compose(app, mode, mailbox_id, email=None, session=None)` is the entry point the mail
screen's m/r/f call.
"""

from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Label, Select, Static

from po6_tui.api.models import Email, EmailSummary, SendResult
from po6_tui.journal import Journal, SavedEdit
from po6_tui.ui.outbox import outbound
from po6_tui.ui import safe
from po6_tui.ui.core import timefmt
from po6_tui.ui.core.message_text import QUOTE_MAX, fill_template, quoted, template_variables
from po6_tui.ui.shell.app_screen import AppScreen
from po6_tui.ui.outbox.compose_pickers import ContactListPicker, TemplatePicker, VariablesScreen
from po6_tui import risks
from po6_tui.risks import Assessment, Rules, assess
from po6_tui.ui.core.host import host
from po6_tui.ui.outbox import risk_facts
from po6_tui.ui.outbox.send_review import SendPage, SendReview, review_then
from po6_tui.ui.kit.confirm import Question, confirm_then
from po6_tui.ui.kit.editor import EDITOR_KEYS, Editing, restored_notice, submit_key
from po6_tui.ui.kit.message_form import MessageForm, cleaned
from po6_tui.ui.core.session import AccountSession
from po6_tui.ui.core.tasks import run_io

Mode = Literal["compose", "reply", "reply_all", "forward"]
REPLIES = ("reply", "reply_all")
def journal_key(mode: Mode, mailbox_id: str, email: Email | None) -> str:
    return "compose" if mode == "compose" or email is None else f"{mode}:{mailbox_id}:{email.id}"


def _quote(email: Email) -> str:
    return quoted(email.body_text or "", email.from_, timefmt.full(email.date))


def _forwarded(email: Email, note: str) -> str:
    """The body of a forward sent as a new message (with a Cc): the note, then the original's text,
    laid out as PO6's forward_email lays it out."""
    original = safe.clean(email.body_text or "", single_line=False, max_len=QUOTE_MAX)
    block = (f"---------- Forwarded message ----------\nFrom: {safe.one_line(email.from_, 300)}\n"
             f"Date: {timefmt.full(email.date)}\nSubject: {safe.one_line(email.subject, 300)}\n\n{original}")
    return f"{note}\n\n{block}" if note.strip() else block


def _address(text: str) -> str:
    """The bare address of "Name <a@b.c>" (or of "a@b.c"), lower-cased: for comparing."""
    return text.rsplit("<", 1)[-1].rstrip(">").strip().lower()


def reply_all_cc(email: Email, own_address: str, to: str) -> str:
    """Reply to all's Cc: the original's To and Cc, less the mailbox's own address and the
    reply's To, each once, in their order."""
    skip = {_address(own_address), _address(to)}
    kept: list[str] = []
    for recipient in [*email.to, *email.cc]:
        address = _address(recipient)
        if address and address not in skip:
            skip.add(address)
            kept.append(safe.one_line(recipient, 300))
    return ", ".join(kept)


def _prefixed(prefix: str, subject: str) -> str:
    subject = safe.one_line(subject, 300)
    return subject if subject.lower().startswith(prefix.lower()) else f"{prefix} {subject}"


def open_compose(app: App, mode: Mode, mailbox_id: str | None, email: EmailSummary | None = None, *,
                 session: AccountSession | None = None) -> None:
    """Open the compose screen for `mode`. Refuses, in words, when the plan cannot send."""
    session = session or app.active
    if mode != "compose" and email is None:
        app.report("No message selected to reply to or forward.", "warning")
        return

    async def prepare() -> tuple[outbound.PlanInfo, Email | None]:
        client = await session.po6_client()
        if not session.mailboxes:
            session.mailboxes = list(await client.list_mailboxes())
        first = mailbox_id or (session.mailboxes[0].id if session.mailboxes else None)
        info = await outbound.detect_plan(session, client, first)
        full = None
        if email is not None and mode != "compose":
            full = email if isinstance(email, Email) else await client.get_email(
                mailbox_id=mailbox_id or email.mailbox_id or "", email_id=email.id)
        return info, full

    def ready(result: tuple[outbound.PlanInfo, Email | None]) -> None:
        info, full = result
        if info.can_send is False:
            app.report(outbound.cannot_send_message(info), "warning")
            return
        if not session.mailboxes:
            app.report("This key reaches no mailbox to send from.", "warning")
            return
        chosen = mailbox_id if session.mailbox(mailbox_id) else session.mailboxes[0].id
        app.push_screen(ComposeScreen(session, mode, chosen, full))

    run_io(app.screen, prepare, what="Getting ready to write", done=ready)


class ComposeScreen(Editing, AppScreen):
    VIEW = "mail"
    HELP_GROUP = "Compose"
    AUTO_FOCUS = "#body"

    BINDINGS = [
        *EDITOR_KEYS,
        submit_key("Send"),
        Binding("ctrl+t", "template", "Template", id="compose.template"),
        Binding("ctrl+l", "contacts", "Contact list", id="compose.contacts"),
        Binding("ctrl+b", "save_for_review", "For review", id="compose.for_review"),
    ]
    WRITE_ACTIONS = frozenset({"save_for_review"})
    REVERT_TITLE = "Discard this message?"

    DEFAULT_CSS = """
    ComposeScreen #compose-header { height: auto; padding: 0 1; background: $boost; margin-bottom: 1; }
    ComposeScreen #from-row { height: 3; }
    ComposeScreen #from-row Label { width: 10; text-style: bold; padding: 1 1; }
    ComposeScreen #from-row Select { width: 1fr; }
    ComposeScreen #forward-note, ComposeScreen #reply-note { height: auto; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, session: AccountSession, mode: Mode, mailbox_id: str, email: Email | None = None) -> None:
        super().__init__()
        self.session = session
        self.mode = mode
        self.mailbox_id = mailbox_id
        self.email = email
        self.journal = Journal.default()
        self.key = journal_key(mode, mailbox_id, email)
        self.restored = self.load_restored()
        self.start = self.restored or self._fresh()
        self._saving = False  # a create_draft is on its way: never a second one meanwhile
        # A reply starts in the body; a new message or a forward starts with its recipients.
        self.AUTO_FOCUS = "#body" if mode in REPLIES or self.start.to_text else "#to"

    def _fresh(self) -> SavedEdit:
        email = self.email
        if self.mode == "reply_all" and email is not None:
            mailbox = self.session.mailbox(self.mailbox_id)
            cc = reply_all_cc(email, mailbox.address if mailbox else "", self._reply_to())
            return SavedEdit(self._reply_to(), cc, _prefixed("Re:", email.subject), _quote(email))
        if self.mode == "reply" and email is not None:
            return SavedEdit(self._reply_to(), "", _prefixed("Re:", email.subject), _quote(email))
        if self.mode == "forward" and email is not None:
            return SavedEdit("", "", _prefixed("Fwd:", email.subject), "")
        return SavedEdit("", "", "", "")

    def _reply_to(self) -> str:
        email = self.email
        return safe.one_line((email.reply_to or email.from_) if email else "", 300)

    # -- layout ------------------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        titles = {"compose": "New message", "reply": "Reply", "reply_all": "Reply to all", "forward": "Forward"}
        header = Text(titles[self.mode], style="bold")
        header.append("  ·  saved as you type", style="dim")
        yield Static(header, id="compose-header")
        if self.restored is not None:
            yield restored_notice(self.restored, "unsent text")
        sender: Text | str = ""
        if self.mode == "compose":
            with Horizontal(id="from-row"):
                yield Label("From")
                yield Select([(safe.text(m.address or m.id, max_len=80), m.id) for m in self.session.mailboxes],
                             value=self.mailbox_id, allow_blank=False, id="from")
        else:
            sender = safe.text(self._sender_address(), max_len=80)
        fixed = frozenset({"to", "subject"}) if self.mode in REPLIES else (
            frozenset({"subject"}) if self.mode == "forward" else frozenset())
        yield MessageForm(self.start if self.restored else cleaned(self.start), sender=sender, fixed=fixed,
                          save=self.save_edit, resume=self.restored is not None, id="form")
        if self.mode == "forward":
            yield Static("The body is your note; the server appends the original message below it. With a Cc, "
                         "PO6's forward cannot be used: a new message goes with the original text below your "
                         "note, without its attachments.", id="forward-note")
        elif self.mode in REPLIES:
            yield Static("With a Cc, PO6's reply cannot be used: the reply goes as a new message (same subject "
                         "and quote, not threaded by In-Reply-To).", id="reply-note")

    def _sender_address(self) -> str:
        mailbox = self.session.mailbox(self.current_mailbox_id())
        return mailbox.address if mailbox else self.current_mailbox_id()

    def current_mailbox_id(self) -> str:
        found = self.query("#from")
        if found:
            value = found.first(Select).value
            if isinstance(value, str):
                return value
        return self.mailbox_id

    def journal_place(self) -> tuple[str, str]:
        return self.session.name, self.key

    @property
    def KEPT_NOTE(self) -> str:  # noqa: N802 (Editing's note, in words for this mode)
        again = {"compose": "m brings it back", "reply": "replying to the same message brings it back",
                 "reply_all": "replying to all of the same message brings it back",
                 "forward": "forwarding the same message brings it back"}[self.mode]
        return f"Not sent; your text is kept: {again}."

    def action_template(self) -> None:
        if self.mode != "compose":
            self.report("Templates start a new message (m).", "warning")
            return

        async def load():  # noqa: ANN202
            client = await self.session.po6_client()
            return list(await client.list_templates())

        def chosen(template_id: str | None) -> None:
            if template_id:
                self._apply_template(template_id)

        run_io(self, load, what="Loading templates",
               done=lambda templates: self.app.push_screen(TemplatePicker(templates), chosen))

    def _apply_template(self, template_id: str) -> None:
        async def load():  # noqa: ANN202
            client = await self.session.po6_client()
            return await client.get_template(template_id=template_id)

        def loaded(template) -> None:  # noqa: ANN001
            variables = list(dict.fromkeys([*template.variables,
                                            *template_variables(template.subject, template.body_text)]))

            def filled(values: dict[str, str] | None) -> None:
                if values is None:
                    self.report("Template not applied.")
                    return
                current = self.form.value()
                subject = safe.one_line(fill_template(template.subject, values), 1000)
                body = safe.clean(fill_template(template.body_text, values), single_line=False,
                                  max_len=safe.BODY_MAX)
                self.form.load(SavedEdit(current.to_text, current.cc_text, subject, body))
                self.report("Template applied (ctrl+z in the body brings the old text back).")

            if variables:
                self.app.push_screen(VariablesScreen(template.name, variables), filled)
            else:
                filled({})

        run_io(self, load, what="Loading the template", done=loaded)

    def action_contacts(self) -> None:
        if self.mode in REPLIES:
            self.report("A reply goes to the original sender.", "warning")
            return

        def chosen(addresses: list[str] | None) -> None:
            if not addresses:
                return
            current = self.form.value()
            joined = ", ".join(a for a in [current.to_text.strip().rstrip(","), *addresses] if a)
            self.form.load(SavedEdit(joined, current.cc_text, current.subject, current.body))
            self.report(f"Added {len(addresses)} recipient{'s' if len(addresses) != 1 else ''}.")

        self.app.push_screen(ContactListPicker(self.session), chosen)

    def _recipients(self, message: SavedEdit, refused: str) -> tuple[list[str], list[str]] | None:
        """(To, Cc) as addresses; None after saying which one is not an address. A reply goes to
        the sender (its To is not editable)."""
        try:
            to = ([self._reply_to()] if self.mode in REPLIES
                  else outbound.parse_addresses(message.to_text, field_name="To", required=True))
            return to, outbound.parse_addresses(message.cc_text, field_name="Cc")
        except outbound.AddressError as error:
            self.report(f"{refused}: {error}", "warning")
            return None

    # -- saving for review (four eyes) -------------------------------------------------------
    def action_save_for_review(self) -> None:
        """Ctrl+B: the message becomes a PO6 draft (`create_draft`) in the review queue, for a
        second person to approve, instead of going out now."""
        self.form.flush()
        if self.session.account.read_only:
            self.report("Read-only mode: nothing can be saved on the server; your text is kept.", "warning")
            return
        if self.mode != "compose":
            self.report("Save for review makes a new message: start one with m. A reply or forward is sent "
                        "with Ctrl+S.", "warning")
            return
        if self._saving:
            self.report("Already saving it for review: wait for the server's answer.", "warning")
            return
        message = self.form.value()
        recipients = self._recipients(message, "Not saved")
        if recipients is None:
            return
        to, cc = recipients
        if not message.subject.strip():
            self.report("Not saved: give it a subject.", "warning")
            return
        mailbox_id = self.current_mailbox_id()
        question = Question(
            title="Save this message for review?", confirm_label="Save for review", danger=False,
            details=f"It goes to the drafts queue of {self._sender_address()} as a draft, to {', '.join(to)}, "
                    "until someone approves it there (PO6 drafts expire after 72 h). Nothing is sent now.")
        confirm_then(self, question, on_yes=lambda: self._save_for_review(mailbox_id, to, cc, message),
                     on_no=lambda: self.report("Not saved; your text is still here."))

    def _save_for_review(self, mailbox_id: str, to: list[str], cc: list[str], message: SavedEdit) -> None:
        session = self.session
        self._saving = True

        async def save():  # noqa: ANN202
            client = await session.po6_client()
            return await client.create_draft(mailbox_id, to, message.subject, message.body, cc_addresses=cc or None)

        def done(_draft) -> None:  # noqa: ANN001
            self._saving = False
            self.form.discard()
            self.journal.drop_edit(session.name, self.key)
            self.dismiss(None)
            self.app.report(f"Saved for review: “{safe.one_line(message.subject, 80)}” waits in the drafts queue "
                            "(:drafts) for someone to approve it; nothing was sent.")

        def failed(_error: BaseException) -> None:
            self._saving = False

        # A lost reply is reported as such ("may or may not have taken effect"), never retried.
        run_io(self, save, what="Saving for review (your text is kept)", done=done, failed=failed, replay=False)

    # -- sending -----------------------------------------------------------------------------
    def action_submit(self) -> None:
        self.form.flush()
        if self.session.account.read_only:  # refused before anything is checked or asked
            self.report("Read-only mode: nothing can be sent; your text is kept.", "warning")
            return
        message = self.form.value()
        recipients = self._recipients(message, "Not sent")
        if recipients is None:
            return
        to, cc = recipients
        info = outbound.known_plan(self.session)
        if self.mode == "forward" and not cc and info.plan is not None and len(to) > info.plan.forward_max:
            self.report(f"Not sent: on {info.plan.name} a forward reaches at most {info.plan.forward_max} "
                        f"recipients, and this one has {len(to)}. Remove some and try again.", "warning")
            return
        if self.mode == "compose" and not message.subject.strip():
            self.report("Not sent: give it a subject.", "warning")
            return
        mailbox_id = self.current_mailbox_id()

        sender = self._sender_address()
        mailboxes = [m.id for m in self.session.mailboxes]
        rules = host(self).risk_rules if host(self) is not None else Rules()

        async def check() -> tuple[outbound.Quota, risks.Message, Assessment]:
            client = await self.session.po6_client()
            quota = await outbound.estimate_quota(self.session, client, mailboxes)
            account = await risk_facts.account_facts(self.session, client, mailboxes, quota)
            known = await risk_facts.known(client, mailbox_id, account)
            outgoing = risks.Message(sender, to, message.subject, message.body, cc=cc)
            return quota, outgoing, assess(outgoing, known, rules)

        def ask(result: tuple[outbound.Quota, risks.Message, Assessment]) -> None:
            quota, outgoing, assessment = result
            if quota.info.can_send is False:
                self.report(f"Not sent: {outbound.cannot_send_message(quota.info)}", "error")
                return
            note = ("Your note; the original message follows it." if self.mode == "forward" else "")
            if cc and self.mode != "compose":
                note = (f"Sent as a new message (PO6's {'forward' if self.mode == 'forward' else 'reply'} takes no "
                        "Cc): not threaded" + (", the original's attachments not included." if self.mode ==
                                                "forward" else "."))
            verb = {"compose": "Send this message?", "reply": "Send this reply?", "reply_all": "Send this reply to all?",
                    "forward": "Forward this message?"}
            page = SendPage(outgoing, assessment, note=note)
            review_then(self, SendReview(verb[self.mode], [page], [quota.describe()]),
                        on_yes=lambda: self._send(mailbox_id, to, cc, message),
                        on_no=lambda: self.report("Not sent; your text is still here."))

        run_io(self, check, what="Not sent: checking the send quota and the risks failed", done=ask, replay=False)

    def _send(self, mailbox_id: str, to: list[str], cc: list[str], message: SavedEdit) -> None:
        session = self.session
        email = self.email

        async def send() -> outbound.Sent[SendResult]:
            client = await session.po6_client()
            if cc and email is not None and self.mode != "compose":
                # PO6's reply and forward take no Cc: the same message as a new one.
                body = _forwarded(email, message.body) if self.mode == "forward" else message.body
                expected = outbound.Expected(mailbox_id, message.subject, frozenset(a.lower() for a in to + cc))
                call = lambda: client.compose_email(mailbox_id=mailbox_id, to_addresses=to,  # noqa: E731
                                                    subject=message.subject, body_text=body, cc_addresses=cc)
            elif self.mode in REPLIES and email is not None:
                expected = outbound.Expected(mailbox_id, email.subject, frozenset(a.lower() for a in to), True)
                call = lambda: client.reply_email(mailbox_id=mailbox_id, email_id=email.id,  # noqa: E731
                                                  body_text=message.body)
            elif self.mode == "forward" and email is not None:
                expected = outbound.Expected(mailbox_id, email.subject, frozenset(a.lower() for a in to), True)
                call = lambda: client.forward_email(mailbox_id=mailbox_id, email_id=email.id,  # noqa: E731
                                                    to_addresses=to, body_text=message.body or None)
            else:
                expected = outbound.Expected(mailbox_id, message.subject, frozenset(a.lower() for a in to + cc))
                call = lambda: client.compose_email(mailbox_id=mailbox_id, to_addresses=to,  # noqa: E731
                                                    subject=message.subject, body_text=message.body,
                                                    cc_addresses=cc or None)
            try:
                return await outbound.send_once(client, call, expected)
            except Exception as error:
                outbound.learn_from_error(session, error)
                raise

        def done(sent: outbound.Sent[SendResult]) -> None:
            self.form.discard()
            self.journal.drop_edit(session.name, self.key)
            self.journal.record_send(session.name, sent.sent_id, "composed")
            self.dismiss(None)
            note = " (The reply from the server was lost, but the sent log shows it went out; nothing was " \
                   "retried.)" if sent.reply_lost else ""
            copied = f" (Cc {safe.one_line(', '.join(cc), 80)})" if cc else ""
            self.app.report(f"Sent to {safe.one_line(', '.join(to), 80)}{copied}.{note}")

        run_io(self, send, what="Not sent", done=done)
