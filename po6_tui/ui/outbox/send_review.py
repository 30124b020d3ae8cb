"""The confirmation of a send: everything that will go out, before it goes (DESIGN.md,
"Supervision"). Every recipient, the subject and the whole body, scrollable, the risks the
checks found (in words, worst first, and the checks that could not run), and the send quota.
A batch is one confirmation whose pages are the drafts: n/p (or →/←) page through them, and
the first page lists every draft with all its recipients.

Focus starts on Cancel (a stray Enter sends nothing); Esc cancels; j/k, Space/b and
Ctrl+D/Ctrl+U scroll. Server text is shown only through `ui/safe.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from po6_tui.risks import HIGH, LOW, MEDIUM, Assessment, Message
from po6_tui.ui import safe
from po6_tui.ui.kit.confirm import ask_then
from po6_tui.ui.kit.dialog import YesNoDialog
from po6_tui.ui.kit.keymap import PANE_BINDINGS, PANE_PAGE_BINDINGS

LEVEL_STYLES = {HIGH: "bold white on dark_red", MEDIUM: "bold black on yellow", LOW: "bold", 0: "dim"}
LEVEL_WORDS = {HIGH: "HIGH", MEDIUM: "MEDIUM", LOW: "low", 0: "none"}


@dataclass(frozen=True)
class SendPage:
    """One message that will be sent (the same `risks.Message` the checks looked at), as the
    confirmation shows it."""

    message: Message
    assessment: Assessment | None = None
    note: str = ""  # ours: "Your edit of the agent's draft", "A reply to …"


def level_text(assessment: Assessment | None) -> Text:
    """The risk level as a short badge (for lists and headers)."""
    if assessment is None:
        return Text("…", style="dim")
    level = assessment.level
    return Text(LEVEL_WORDS[level] if assessment.findings else ("ok" if assessment.low_risk else "–"),
                style=LEVEL_STYLES[level])


def risks_text(assessment: Assessment | None) -> Text:
    """The findings in words, worst first, then what could not be checked."""
    out = Text(end="")
    if assessment is None:
        out.append("Risks: checking…", style="dim")
        return out
    out.append("Risks  ", style="bold")
    if not assessment.findings:
        out.append("none found" + (" (low risk by your rules)" if assessment.low_risk else ""), style="green")
    for finding in assessment.findings:
        out.append("\n  ")
        out.append(f" {LEVEL_WORDS[finding.level]} ", style=LEVEL_STYLES[finding.level])
        out.append(" ")
        out.append_text(safe.text(f"{finding.check}: {finding.text}", max_len=400))
    for line in assessment.not_run:
        out.append("\n  ")
        out.append_text(safe.text(f"not checked: {line}", max_len=300, style="dim"))
    return out


def page_text(page: SendPage) -> Text:
    message = page.message
    out = Text(end="")
    if page.note:
        out.append_text(safe.text(page.note, max_len=300, style="bold"))
        out.append("\n")
    for name, values in (("From", [message.mailbox]), ("To", message.to), ("Cc", message.cc), ("Bcc", message.bcc)):
        if values:
            out.append(f"{name + ':':<9}", style="bold")
            out.append_text(safe.text(", ".join(values), max_len=4000))
            count = len(values)
            if name != "From" and count > 1:
                out.append(f"  ({count})", style="dim")
            out.append("\n")
    out.append("Subject: ", style="bold")
    out.append_text(safe.text(message.subject or "(no subject)", max_len=2000))
    out.append("\n\n")
    out.append_text(risks_text(page.assessment))
    out.append("\n\n")
    out.append("─" * 20 + " the message, as it will be sent " + "─" * 20 + "\n", style="dim")
    body = safe.message_body(message.body_text, message.body_html, number_links=False)
    out.append_text(body.text)
    if body.links:
        out.append("\n\nLinks\n", style="bold")
        out.append_text(safe.links_text(body.links))
    return out


def batch_text(pages: Sequence[SendPage]) -> Text:
    """Page 0 of a batch: every draft with all its recipients and its risk level."""
    out = Text(f"{len(pages)} messages will be sent. n shows each in full.\n", style="bold")
    for number, page in enumerate(pages, 1):
        message = page.message
        out.append(f"\n{number:>2}. ")
        out.append_text(level_text(page.assessment))
        out.append(" ")
        out.append_text(safe.text(message.subject or "(no subject)", max_len=200, style="bold"))
        out.append("\n    From ")
        out.append_text(safe.text(message.mailbox, max_len=200))
        recipients = [*message.to, *(f"cc {a}" for a in message.cc), *(f"bcc {a}" for a in message.bcc)]
        out.append("\n    To   ")
        out.append_text(safe.text(", ".join(recipients), max_len=4000))
    return out


@dataclass
class SendReview:
    title: str
    pages: list[SendPage]
    footer: list[str] = field(default_factory=list)  # ours: quota lines, the dashboard note
    confirm_label: str = "Send"


class SendReviewScreen(YesNoDialog):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="send_review.cancel"),
        Binding("n,right", "page(1)", "Next", id="send_review.next"),
        Binding("p,left", "page(-1)", "Previous", id="send_review.previous"),
        *PANE_BINDINGS,
        *PANE_PAGE_BINDINGS,
    ]

    DEFAULT_CSS = """
    SendReviewScreen > #dialog { width: 100; height: 100%; max-height: 100%; }
    SendReviewScreen #title { text-style: bold; height: auto; }
    SendReviewScreen #page-label { color: $text-muted; height: 1; }
    SendReviewScreen #review-scroll { height: 1fr; border-top: solid $panel-lighten-1; }
    SendReviewScreen #footer { color: $text-muted; height: auto; max-height: 4; }
    """

    def __init__(self, review: SendReview) -> None:
        super().__init__()
        self.review = review
        self.batch = len(review.pages) > 1
        self.page = 0  # in a batch, 0 is the overview and 1..n the messages

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text(self.review.title), id="title")
            yield Static("", id="page-label")
            with VerticalScroll(id="review-scroll"):
                yield Static("", id="review-text")
            if self.review.footer:
                yield Static(safe.text("\n".join(self.review.footer), single_line=False, max_len=2000), id="footer")
            yield self.answer_buttons(self.review.confirm_label)

    def on_mount(self) -> None:
        self._show()

    def plain(self) -> str:
        """Everything this confirmation can show, as plain text (every page, the footer)."""
        pages = [batch_text(self.review.pages)] if self.batch else []
        pages += [page_text(page) for page in self.review.pages]
        return "\n".join([self.review.title, *(p.plain for p in pages), *self.review.footer])

    def _show(self) -> None:
        pages = self.review.pages
        if self.batch and self.page == 0:
            text = batch_text(pages)
            label = f"Overview · n/→ the first message · {len(pages)} messages"
        else:
            index = self.page - 1 if self.batch else 0
            text = page_text(pages[index])
            label = (f"Message {index + 1} of {len(pages)} · n/p page · j/k/Space scroll" if self.batch
                     else "j/k, Space/b scroll the whole message")
        self.query_one("#review-text", Static).update(text)
        self.query_one("#page-label", Static).update(Text(label))
        self.query_one("#review-scroll", VerticalScroll).scroll_home(animate=False)

    def action_page(self, step: int) -> None:
        if not self.batch:
            return
        self.page = max(0, min(len(self.review.pages), self.page + step))
        self._show()

    def action_scroll(self, step: int) -> None:
        self.query_one("#review-scroll", VerticalScroll).scroll_relative(y=step, animate=False)

    def action_scroll_page(self, step: int) -> None:
        scroll = self.query_one("#review-scroll", VerticalScroll)
        scroll.scroll_relative(y=step * max(1, scroll.size.height - 1), animate=False)


def review_then(screen: Screen, review: SendReview, on_yes: Callable[[], object],
                on_no: Callable[[], object] | None = None) -> None:
    """Show everything that will be sent; run `on_yes()` only if the operator confirms."""
    ask_then(screen, SendReviewScreen(review), on_yes, on_no)
