"""The engine-neutral generator: golden pages, escaping of user text, traceability, navigation."""

from __future__ import annotations

import re

import markdown
import pytest

from sales_process.loader import LoadedProcess, parse_process
from sales_process.model import Process
from site_builder.markdown_text import block, inline, mermaid_label
from site_builder.pages import generate_pages, navigation
from site_builder.reference import field_table
from tests.foundation.processes import BUYER_CONFIRMS_OR_NO_EVIDENCE, VALID
from tests.site_builder.golden_pages import assert_golden_pages
from tests.support.synthetic_process import process_document

EXTENSIONS = ["tables", "attr_list", "md_in_html"]


def render(text: str) -> str:
    """Python-Markdown with the extensions of mkdocs.yml that matter for escaping."""
    html: str = markdown.markdown(text, extensions=EXTENSIONS)
    return html


def test_pages_of_the_odd_process_match_the_golden_files(odd_process: LoadedProcess) -> None:
    assert_golden_pages("odd", generate_pages(odd_process))


def test_generation_is_pure(odd_process: LoadedProcess) -> None:
    assert generate_pages(odd_process) == generate_pages(odd_process)


def test_every_stage_has_a_page_and_every_page_names_its_source(default_process: LoadedProcess) -> None:
    pages = generate_pages(default_process)
    for stage in default_process.process.stages:
        assert f"stages/{stage.id}.md" in pages
    for path, text in pages.items():
        assert default_process.short_sha in text, path
        assert "B2B New Business" in text and f"version {inline('2027.2')} " in text, path


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ('<script>alert("x")</script>', '&lt;script&gt;alert("x")&lt;/script&gt;'),
        ("*stars* and _underscores_", "*stars* and _underscores_"),
        ("a | b", "a | b"),
        ("[link](http://x)", "[link](http://x)"),
        ("`code`", "`code`"),
        ("# not a heading", "# not a heading"),
        ("1. not a list", "1. not a list"),
        ("Tom & Jerry", "Tom &amp; Jerry"),
        ("two\nlines", "two lines"),
        ("{: .class}", "{: .class}"),
        ("back\\slash", "back\\slash"),
        ("- not an item", "- not an item"),
        ("+ not an item", "+ not an item"),
        ("2027. not a list either", "2027. not a list either"),
        ("![image](x.png)", "![image](x.png)"),
    ],
)
def test_plain_text_renders_exactly_as_typed(typed: str, shown: str) -> None:
    assert render(inline(typed)) == f"<p>{shown}</p>"
    assert render(f"- {inline(typed)}") == f"<ul>\n<li>{shown}</li>\n</ul>"


def test_plain_text_in_a_table_cell_keeps_the_table_whole() -> None:
    html = render(f"| a | b |\n|---|---|\n| {inline('x | y')} | {inline('*z*')} |")
    assert "<td>x | y</td>" in html and "<td>*z*</td>" in html


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("**bold**", "<strong>bold</strong>"),
        ("<script>x</script>", "&lt;script&gt;x&lt;/script&gt;"),
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
        ("<!-- comment -->", "&lt;!-- comment --&gt;"),
        ("<https://example.com>", '<a href="https://example.com">https://example.com</a>'),
        ("`<b>` in code", "<code>&lt;b&gt;</code> in code"),
        ("```\n<b>fenced</b>\n```", "&lt;b&gt;fenced&lt;/b&gt;"),
        ("1 < 2", "1 &lt; 2"),
    ],
)
def test_markdown_fields_keep_formatting_but_show_html_as_text(typed: str, expected: str) -> None:
    assert expected in markdown.markdown(block(typed), extensions=["fenced_code"])


def test_mermaid_labels_cannot_close_their_quotes() -> None:
    assert mermaid_label('Say "yes" <b>#1</b>') == "Say #quot;yes#quot; #lt;b#gt;#35;1#lt;/b#gt;"


def test_a_stage_without_summary_description_or_lists_still_gets_a_full_page() -> None:
    loaded = parse_process(
        b"name: P\nstages:\n- id: a\n  name: A\n  probability: 10\n  milestones:\n"
        b"  - {id: m, question: 'Q?', customer_action: C, evidence: The email}\n- id: b\n  name: B\n  probability: 90\n",
        "p.yaml",
    )
    page = generate_pages(loaded)["stages/b.md"]
    assert "## You are here when" in page and "(../stages/a.md#m)" in page
    assert "Nothing: this is the last stage of the pipeline." in page
    assert "No rep activities are listed" in page and "No pitfalls are listed" in page
    assert "(/check?claimed_stage=b)" in page


def test_navigation_lists_the_stages_in_pipeline_order(odd_process: LoadedProcess) -> None:
    pipeline = navigation(odd_process)[2]
    assert isinstance(pipeline, dict)
    entries = pipeline["Pipeline"]
    assert isinstance(entries, list)
    assert [next(iter(entry.values())) for entry in entries if isinstance(entry, dict)] == [
        "pipeline.md",
        "stages/stage-1.md",
        "stages/stage-2b.md",
        "stages/z.md",
    ]


def test_the_reference_documents_every_field_of_the_model() -> None:
    from sales_process.model import Milestone, Process, Stage

    for model in (Process, Stage, Milestone):
        table = field_table(model.model_json_schema(ref_template="#/$defs/{model}"))
        for name, field in model.model_fields.items():
            assert f"| `{name}` |" in table
            assert (field.description or "") in table.replace("\\|", "|")


@pytest.mark.parametrize(
    ("field", "type_text", "default"),
    [
        ("probability", "whole number 0–100", "**required**"),
        ("max_age_days", "whole number above 0", "none"),
        ("evidence_required", "`true` or `false`", "`true`"),
        ("milestones", "list of milestones", "empty list"),
        ("id", "slug: lowercase letters, digits and single hyphens", "**required**"),
    ],
)
def test_reference_types_and_defaults_come_from_the_schema(
    default_process: LoadedProcess, field: str, type_text: str, default: str
) -> None:
    reference = generate_pages(default_process)["reference.md"]
    row = next(line for line in reference.splitlines() if line.startswith(f"| `{field}` |"))
    assert type_text in row and f"| {default} |" in row


@pytest.mark.parametrize(
    ("form_url", "deals_link"),
    [
        ("/check", "[Sign in: my deals](/deals)"),
        ("/sales/check", "[Sign in: my deals](/sales/deals)"),  # the app served under a prefix
        ("https://forms.example/deal", None),  # a form elsewhere: no app to sign in to
    ],
)
def test_the_home_page_leads_to_my_deals_where_the_app_serves_the_form_and_to_practice(
    form_url: str, deals_link: str | None
) -> None:
    from sales_process.loader import load_process
    from site_builder.common import SiteLinks
    from site_builder.home import home_markdown
    from tests.conftest import DEFAULT_PROCESS

    home = home_markdown(load_process(str(DEFAULT_PROCESS)), SiteLinks(form_url=form_url))
    assert f"[Check a deal]({form_url})" in home and "[Practice](practice.md)" in home
    assert (deals_link in home) if deals_link else ("my deals" not in home)


def test_the_checklist_names_a_groups_alternatives_by_their_questions() -> None:
    """Its ids are printed nowhere on the checklist: "one of: sandbox-used, demo-attended" meant nothing there."""
    demo = (
        "      - id: demo-attended\n        question: Did they attend the demo?\n"
        "        customer_action: The buyer attends the demo.\n        evidence: The invitation.\n"
        "        group: product-proof\n"
    )
    sandbox = demo.replace("demo-attended", "sandbox-used").replace("attend the demo", "use the sandbox")
    text = VALID.replace("  - id: won\n", sandbox + demo + "  - id: won\n")
    pages = generate_pages(parse_process(text.encode(), "process.yaml"))
    notes = [line.split("<em>")[1].split("</em>")[0] for line in pages["checklist.md"].splitlines() if "<em>" in line]
    assert notes == [
        "(one of: this question or “Did they attend the demo?”)",
        "(one of: “Did they use the sandbox?” or this question)",
    ]


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("مفاوضات 🤝", "\u2068مفاوضات 🤝\u2069 (60%)"),  # Arabic
        ("משא ומתן", "\u2068משא ומתן\u2069 (60%)"),  # Hebrew
        ("Talking", "Talking (60%)"),
        ("Переговоры", "Переговоры (60%)"),  # left to right: nothing added
    ],
)
def test_a_right_to_left_stage_name_keeps_its_probability_after_it(name: str, title: str) -> None:
    """Unisolated, "مفاوضات (60%)" in a left-to-right menu reads "(%60) مفاوضات": the probability is taken into the
    name's right-to-left run."""
    loaded = parse_process(VALID.replace("name: Talking", f"name: {name}").encode(), "process.yaml")
    pipeline = navigation(loaded)[2]
    assert isinstance(pipeline, dict)
    assert {title: "stages/talking.md"} in pipeline["Pipeline"]
    checklist = generate_pages(loaded)["checklist.md"]
    assert f"## {inline(title)}" in checklist


def _you_are_here(page: str) -> str:
    return page.split("## You are here when\n\n")[1].split("\n\n")[0]


def test_you_are_here_names_every_stage_the_deal_has_passed(default_process: LoadedProcess) -> None:
    # "everything that gates Qualifying" on the third stage's page left out Discovery, which the deal passed too.
    pages = generate_pages(default_process)
    first, second, third, *_, last = (pages[f"stages/{stage.id}.md"] for stage in default_process.process.stages)
    assert _you_are_here(first) == "This is the first stage: a deal is here as soon as it enters the pipeline."
    assert _you_are_here(second) == (
        "The deal has passed the stage before this one: the customer has verifiably done everything that gates "
        "[Discovery](../stages/discovery.md):"
    )
    assert _you_are_here(third) == (
        "The deal has passed both stages before this one: the customer has verifiably done everything that gates "
        "[Discovery](../stages/discovery.md) and [Qualifying](../stages/qualifying.md), "
        "last of all what gates Qualifying:"
    )
    assert _you_are_here(last) == (
        "The deal has passed all 5 stages before this one: the customer has verifiably done everything that gates "
        "[Discovery](../stages/discovery.md), [Qualifying](../stages/qualifying.md), "
        "[Demonstrating](../stages/demonstrating.md), [Proposing](../stages/proposing.md) and "
        "[Negotiating](../stages/negotiating.md), last of all what gates Negotiating:"
    )


def test_the_last_page_of_a_long_pipeline_names_the_first_and_previous_stages_it_passed() -> None:
    process = Process.model_validate(process_document(12, 1))
    last = generate_pages(LoadedProcess(process, "long.yaml", "0" * 64))[f"stages/{process.stages[-1].id}.md"]
    assert _you_are_here(last).startswith(
        "The deal has passed all 11 stages before this one: the customer has verifiably done everything that gates "
        f"every stage from [Stage 1](../stages/{process.stages[0].id}.md) to [Stage 11](../stages/{process.stages[10].id}.md), "
    )


@pytest.mark.parametrize(
    ("text", "sentence", "stop"),
    [
        ("The customer signs", "The customer signs.", "."),
        ("The customer signs.", "The customer signs.", ""),
        ("To move on, the customer must…", "To move on, the customer must…", ""),
        ("Wait for it...", "Wait for it...", ""),
        ("Signed?", "Signed?", ""),
        ("Mål: juli.  ", "Mål: juli.", ""),
        ("He said \u201cyes.\u201d", "He said \u201cyes.\u201d", ""),
        ('In the CRM as Stage 2b: "quotes"', 'In the CRM as Stage 2b: "quotes".', "."),
    ],
)
def test_a_sentence_joined_to_text_is_ended_once(text: str, sentence: str, stop: str) -> None:
    from sales_process.wording import ended, full_stop

    assert (ended(text), full_stop(text)) == (sentence, stop)


# A full stop after one (or after an ellipsis, ? or !), but not "..." itself nor a relative link's "../".
_DOUBLED_STOP = re.compile(r"(?:(?<![.])\.|…|\?|!)\.(?![./])")


@pytest.mark.parametrize("name", ["default", "odd", "ended"])
def test_no_generated_sentence_ends_twice(
    name: str, default_process: LoadedProcess, odd_process: LoadedProcess
) -> None:
    # The home page said "read To move on, the customer must…." (an editor's audit).
    ended_texts = VALID.replace(
        "        evidence: The customer's reply email.\n",
        "        evidence: The customer's reply email.\n        buyer_statement: We confirmed it...\n",
    ).replace("    probability: 60\n", "    probability: 60\n    summary: Talking…\n    rep_activities: [Call them.]\n")
    loaded = {
        "default": default_process,
        "odd": odd_process,
        "ended": parse_process(ended_texts.encode(), "process.yaml"),
    }[name]
    for path, text in generate_pages(loaded).items():
        plain = text.replace("*", "")
        assert not _DOUBLED_STOP.findall(plain), (
            path,
            [plain[m.start() - 60 : m.end()] for m in _DOUBLED_STOP.finditer(plain)],
        )


def test_the_checklist_says_which_question_the_buyer_must_confirm_and_which_needs_no_evidence() -> None:
    # A rep ticked a question the buyer must confirm as any other, and read "name the evidence" over one that needs none.
    pages = generate_pages(parse_process(BUYER_CONFIRMS_OR_NO_EVIDENCE.encode(), "process.yaml"))
    checklist, stage = pages["checklist.md"], pages["stages/talking.md"]
    items = {line.split('id="check_')[1].split('"')[0]: line for line in checklist.splitlines() if 'id="check_' in line}
    confirm = "the outcome counts only once the buyer has confirmed it through a confirmation link"
    no_evidence = "a \u201cyes\u201d counts without evidence named"
    assert f"buyer must confirm: {confirm}" in items["pain-confirmed"]
    assert "The problem is the one in your recap." in items["pain-confirmed"]
    assert no_evidence not in items["pain-confirmed"] and "buyer must confirm" not in items["demo-seen"]
    assert f"no evidence required: {no_evidence}" in items["demo-seen"]
    # One wording: the stage page says the same.
    assert confirm in stage and no_evidence in stage
    intro = checklist.split("<p")[0]
    assert "no evidence required" in intro and "buyer must confirm" in intro
    # A process without them keeps the short intro.
    plain = generate_pages(parse_process(VALID.encode(), "process.yaml"))["checklist.md"]
    assert "buyer must confirm" not in plain and "no evidence required" not in plain
