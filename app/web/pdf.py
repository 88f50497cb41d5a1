"""A finished assessment as a PDF: the verdict page's content in print, made on the server with
fpdf2 and the Noto Sans CJK font (Debian's fonts-noto-cjk), so Chinese renders and nothing is
fetched at run time. Same order as the page: the answer first."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from app import decision
from app.models import Assessment
from app.web.cost_views import cost_view
from app.web.export import (
    CHANGE_CONDITIONS,
    MD,
    PUNCTUATION,
    answer_label,
    change_sentence,
    citation,
)
from app.web.i18n import CHANGE_KINDS, CONFIDENCE_LABELS, N_, STATUS_LABELS, format_when, translate

FONT_DIR = Path("/usr/share/fonts/opentype/noto")
# The TrueType collections hold JP, KR, SC, TC, HK in this order: 2 is Simplified Chinese.
SIMPLIFIED_CHINESE = 2
FONT = "noto"

PDF = {
    "status": N_("Status: %(value)s"),
    "recommend": N_("We recommend"),
    "ranking": N_("How the six approaches compare"),
    "page": N_("Page %(number)s"),
    "version": N_("v%(number)s"),
}

INK = (33, 37, 41)
MUTED = (91, 98, 112)
ACCENT = (1, 88, 135)
TRACK = (222, 226, 230)


# Spaces the font has no glyph for (Babel puts a narrow no-break space before "AM").
_SPACES = str.maketrans({"\u202f": " ", "\u00a0": " ", "\u2009": " "})


def printable(text: str) -> str:
    return text.translate(_SPACES)


class FontMissing(RuntimeError):
    """The CJK font is not installed (apt-get install fonts-noto-cjk)."""


@lru_cache(maxsize=1)
def font_files() -> tuple[Path, Path]:
    regular, bold = FONT_DIR / "NotoSansCJK-Regular.ttc", FONT_DIR / "NotoSansCJK-Bold.ttc"
    if not regular.is_file():
        raise FontMissing(f"{regular} is missing: install the Debian package fonts-noto-cjk")
    return regular, bold if bold.is_file() else regular


class VerdictPDF(FPDF):
    def __init__(self, lang: str, footer_text: str) -> None:
        super().__init__(format="A4")
        self.ui_lang = lang
        self.footer_text = footer_text
        regular, bold = font_files()
        self.add_font(FONT, "", str(regular), collection_font_number=SIMPLIFIED_CHINESE)
        self.add_font(FONT, "B", str(bold), collection_font_number=SIMPLIFIED_CHINESE)
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=18)
        self.alias_nb_pages()

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        page = translate(self.ui_lang, PDF["page"]) % {"number": self.page_no()}
        self.cell(0, 5, f"{self.footer_text}  ·  {page}", align="C")

    # --- building blocks -------------------------------------------------------------------

    def text(self, value: str, size: float = 10, *, bold: bool = False, color=INK, gap=1.5):
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(*color)
        self.multi_cell(0, size * 0.5, printable(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(gap)

    def heading(self, value: str) -> None:
        if self.get_y() > self.h - 40:
            self.add_page()
        self.ln(2)
        self.text(value, 13, bold=True, color=ACCENT, gap=1)

    def items(self, values: list[str], *, numbered: bool = True, size: float = 10) -> None:
        for n, value in enumerate(values, 1):
            mark = f"{n}." if numbered else "•"
            self.set_font(FONT, "", size)
            self.set_text_color(*INK)
            x = self.l_margin
            self.set_x(x)
            self.cell(7, size * 0.5, mark)
            self.multi_cell(0, size * 0.5, printable(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.ln(1)

    def ranking(self, ranking: list[dict[str, Any]]) -> None:
        """Bars drawn as on the page: label, bar, score."""
        width = self.w - self.l_margin - self.r_margin
        label_w, score_w = 62, 12
        bar_w = width - label_w - score_w - 4
        for n, entry in enumerate(ranking):
            self.set_font(FONT, "B" if n == 0 else "", 9.5)
            self.set_text_color(*INK)
            y = self.get_y()
            label = decision.APPROACHES[entry["recommendation"]].label.get(self.ui_lang)
            self.set_x(self.l_margin)
            self.cell(label_w, 6, label)
            self.set_fill_color(*TRACK)
            self.rect(self.l_margin + label_w, y + 1.5, bar_w, 3, style="F")
            if entry["score"] > 0:
                self.set_fill_color(*(ACCENT if n == 0 else (120, 160, 190)))
                self.rect(self.l_margin + label_w, y + 1.5, bar_w * entry["score"], 3, style="F")
            self.set_x(self.l_margin + label_w + bar_w + 4)
            self.cell(score_w, 6, f"{entry['score']:.2f}", align="R")
            self.ln(6)


def verdict_pdf(assessment: Assessment, lang: str, url: str, today: date | None = None) -> bytes:
    verdict = decision.localize(assessment.verdict, lang)

    def t(key: str, **values: Any) -> str:
        text = translate(lang, MD[key] if key in MD else PDF[key])
        return text % values if values else text

    def label(key: str) -> str:
        return decision.APPROACHES[key].label.get(lang)

    p = PUNCTUATION[lang]
    pdf = VerdictPDF(lang, url)
    pdf.set_title(f"{assessment.title}: {label(verdict['recommendation'])}")
    pdf.set_creator("Fine-Tune Decision Wizard")
    pdf.set_lang("zh-Hans" if lang == "zh" else "en")
    pdf.add_page()

    status = translate(lang, STATUS_LABELS[assessment.status])
    meta = [t("status", value=status)]
    if assessment.version > 1:
        meta.append(t("version", number=assessment.version))
    if assessment.team:
        meta.append(t("team", value=assessment.team))
    pdf.text(assessment.title, 18, bold=True, gap=1)
    pdf.text("  ·  ".join(meta), 9, color=MUTED, gap=3)
    pdf.text(t("recommend"), 10, color=MUTED, gap=0)
    pdf.text(label(verdict["recommendation"]), 20, bold=True, color=ACCENT, gap=1)
    confidence = translate(lang, CONFIDENCE_LABELS[verdict["confidence"]])
    pdf.text(
        t("confidence_because", value=confidence, reason=verdict["confidence_reason"])
        if verdict.get("confidence_reason")
        else t("confidence", value=confidence),
        10,
        gap=2,
    )
    pdf.text(verdict["summary"], 11)

    pdf.heading(t("why"))
    pdf.items(
        [
            f"{r['text']}{''.join(f' [{m}]' for m in r.get('measured', []))}"
            f"{p['open']}{t('source', source=', '.join(citation(s, lang) for s in [r['source'], *r['more_sources']]))}{p['close']}"
            for r in verdict["reasons"]
        ]
    )
    if verdict["warnings"]:
        pdf.heading(t("warnings"))
        pdf.items(verdict["warnings"], numbered=False)
    pdf.heading(t("next_steps"))
    pdf.items(verdict["next_steps"])
    pdf.heading(t("changes"))
    pdf.items(
        [
            f"{translate(lang, CHANGE_KINDS[c['kind']])}{p['colon']}{change_sentence(c, lang)}"
            for c in verdict["what_would_change"]
        ],
        numbered=False,
    )
    pdf.heading(t("ranking"))
    pdf.ranking(verdict["ranking"])
    if verdict.get("baseline"):
        pdf.heading(t("baseline"))
        pdf.text(verdict["baseline"]["note"])
    view = cost_view(assessment.cost_inputs, today=today)
    if view is not None:
        pdf.heading(translate(lang, "What it costs"))
        # A chosen model's retirement, or a provider closed to fine-tuning, before the figures.
        pdf.items(
            [w.sentence.get(lang) for w in view.warnings]
            + [fact.sentence.get(lang) for fact in view.facts],
            numbered=False,
        )
    for other in verdict.get("why_not", []):
        pdf.heading(t("why_not", approach=label(other["recommendation"])))
        pdf.items([r["text"] for r in other["reasons"]], numbered=False)
        if other["would_win_if"]:
            pdf.text(t("would_win_if"), 10, bold=True)
            pdf.items(
                [
                    translate(lang, CHANGE_CONDITIONS[c["kind"]])
                    % {
                        "question": decision.QUESTIONS[c["question"]].name.get(lang)
                        if c["question"] in decision.QUESTIONS
                        else c["question"],
                        "to": answer_label(c["question"], c["to"], lang),
                        "from": answer_label(c["question"], c["from"], lang),
                    }
                    for c in other["would_win_if"][:5]
                ],
                numbered=False,
            )
    if verdict["risks"]:
        pdf.heading(t("risks"))
        pdf.items(verdict["risks"], numbered=False)
    pdf.heading(t("answers"))
    for step in decision.STEPS:
        pdf.text(step.title.get(lang), 10.5, bold=True, gap=0.5)
        pdf.items(
            [
                f"{q.label.get(lang)}{p['colon']}{answer_label(q.key, assessment.answers.get(q.key), lang)}"
                for q in step.questions
            ],
            numbered=False,
            size=9,
        )
    if assessment.notes:
        pdf.heading(t("notes"))
        pdf.text(assessment.notes)
    pdf.ln(3)
    pdf.text(
        t(
            "decided",
            when=format_when(assessment.finished_at, lang),
            version=verdict["rules_version"],
        ),
        9,
        color=MUTED,
        gap=0,
    )
    pdf.text(t("link", url=url), 9, color=MUTED)
    return bytes(pdf.output())
