"""Practice scenarios: deals generated from the process, each answered by the assessment engine.

The generator only writes deals (in the `playbook assess` input format, with `as_of`);
every answer a rep is graded against comes from :func:`sales_process.engine.assess`,
so the training can never disagree with the self-check form. Pure: no I/O, no clock.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from sales_process.deal import BuyerAnswer, parse_deal
from sales_process.engine import Assessment, MilestoneResult, Status, assess
from sales_process.evidence import evidence_counts
from sales_process.model import Milestone, PracticeScenario, Process, RequiredWhen, Stage, segment_key
from sales_process.problems import InvalidInput, Problem
from sales_process.report import gap_sentence
from sales_process.requirement import applies_to, process_segments
from sales_process.suggest import did_you_mean
from sales_process.vocabulary import money, plural
from sales_process.wording import ended

# Fixed, so the same process always gives the same scenarios (and answers).
PRACTICE_AS_OF = dt.date(2027, 3, 1)
_COMPANIES = (
    "Contoso",
    "Fabrikam",
    "Northwind Traders",
    "Tailspin Toys",
    "Adventure Works",
    "Litware",
    "Proseware",
    "Woodgrove Bank",
    "Alpine Ski House",
    "Coho Winery",
    "Fourth Coffee",
    "Lucerne Publishing",
    "Trey Research",
    "Wide World Importers",
    "Blue Yonder Airlines",
    "Humongous Insurance",
    "Wingtip Toys",
    "Southridge Video",
    "Graphic Design Institute",
    "Margie's Travel",
)


def _words(name: str) -> set[str]:
    return {word for word in re.findall(r"\w+", name.casefold()) if len(word) > 1}


def customer_names(company: str | None) -> tuple[str, ...]:
    """The sample customers' names for the practice deals, less any that shares a word with the seller's own
    `company` (a practice customer named Fabrikam for Fabrikam Health's reps would be the seller itself)."""
    own = _words(company or "")
    return tuple(name for name in _COMPANIES if not _words(name) & own) or _COMPANIES


PLACEHOLDER_EVIDENCE = ("TBD", "see CRM")
PRACTICE_BUYER = "Robin Lee"
MIN_SCENARIOS = 12  # a practice session: "answers a dozen scenarios"


class Kind:
    """What a scenario trains; the names appear in `playbook practice --json`."""

    SHORT = "short-of-the-gate"  # one outcome of the stage is missing: the deal stays
    THROUGH = "through-the-gate"  # every outcome of the stage is verified: the deal moves on
    REP_ACTIVITY = "rep-activity"
    PLACEHOLDER = "placeholder-evidence"
    STALE = "stale-outcome"
    UNDATED = "undated-outcome"
    NOT_MET = "not-met"
    FUTURE = "future-date"
    OUT_OF_ORDER = "out-of-order"
    AHEAD = "claimed-several-stages-ahead"
    BEHIND = "claimed-behind"
    NOT_REQUIRED = (
        "not-required-for-this-deal"  # a milestone `required_when` leaves out for this deal's amount or segment
    )
    OPTIONAL = "optional-milestone"  # a `required: false` milestone not done: the deal moves on
    ALTERNATIVE = "one-alternative"  # one milestone of a `group` verified: the group is met
    AWAITING_BUYER = (
        "awaiting-buyer"  # a `confirmation: required` outcome the buyer has not confirmed yet: the deal stays
    )
    HAND_WRITTEN = "hand-written"


# The flaws a "short of the gate" deal can have, in the order the generator tries to cover them.
_FLAWS = (Kind.REP_ACTIVITY, Kind.PLACEHOLDER, Kind.STALE, Kind.UNDATED, Kind.NOT_MET, Kind.FUTURE)


@dataclass(frozen=True)
class Scenario:
    """A practice deal and its story; `deal` is exactly a `playbook assess` input (with `as_of`)."""

    id: str
    title: str
    story: str
    deal: dict[str, Any]
    kinds: tuple[str, ...] = ()
    evidence_question: str | None = None  # a milestone id: "does this count as evidence?"
    rep_activity: str | None = None  # what the rep did in place of the customer
    hand_written: bool = False
    # The outcomes the buyer confirmed through the link, on the day of the deal's answer: no deal file can say so.
    buyer_confirmed: tuple[str, ...] = ()

    @property
    def buyer(self) -> tuple[str, str]:
        """The practice buyer who confirms through the link: (name, email at the customer's made-up domain)."""
        name = re.sub("['\u2019]", "", str(self.deal.get("deal") or "customer").lower())
        domain = re.sub(r"[^a-z0-9]+", "-", name).strip("-")
        return PRACTICE_BUYER, f"{PRACTICE_BUYER.lower().replace(' ', '.')}@{domain}.example"


@dataclass(frozen=True)
class Verdict:
    """Why an answer is right: the rule in one sentence, the milestone section that holds it, and notes."""

    rule: str
    stage_id: str
    milestone_id: str
    notes: tuple[str, ...] = ()

    @property
    def link(self) -> str:
        """The published URL of the rule: /stages/<stage-id>/#<milestone-id>."""
        return f"/stages/{self.stage_id}/#{self.milestone_id}"

    @property
    def text(self) -> str:
        """The rule and its notes as one paragraph."""
        return " ".join([self.rule, *self.notes])


@dataclass(frozen=True)
class SolvedScenario:
    """A scenario with the engine's assessment of its deal: the correct answers."""

    scenario: Scenario
    assessment: Assessment
    stage_verdict: Verdict = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "stage_verdict", _stage_verdict(self.assessment, self.scenario.rep_activity))

    @property
    def verified_stage(self) -> Stage:
        """The stage the evidence supports: answer to "Which stage is this deal verifiably in?"."""
        return self.assessment.verified_stage

    @property
    def next_milestones(self) -> tuple[Milestone, ...]:
        """Answer to "What must the customer do next?" (empty at the last stage)."""
        return tuple(result.milestone for result in self.assessment.next)

    @property
    def next_alternatives(self) -> tuple[tuple[Milestone, ...], ...]:
        """The next milestones as requirements (Assessment.next_steps): a group's members together (one of them is
        enough), others alone."""
        return tuple(tuple(result.milestone for result in step) for step in self.assessment.next_steps)

    @property
    def next_verdicts(self) -> tuple[tuple[Verdict, ...], ...]:
        """One explained verdict per next milestone, by step (Assessment.next_steps: alternatives together)."""
        language = self.assessment.process.language
        return tuple(tuple(_next_verdict(result, language) for result in step) for step in self.assessment.next_steps)

    @property
    def evidence_result(self) -> MilestoneResult | None:
        """The answer asked about in "Does this count as evidence?", if the scenario asks."""
        wanted = self.scenario.evidence_question
        return next((r for r in self.assessment.milestones if r.milestone.id == wanted), None)

    @property
    def evidence_verdict(self) -> Verdict | None:
        """Whether the evidence question's answer counts, and why."""
        result = self.evidence_result
        if result is None:
            return None
        return Verdict(
            _evidence_sentence(result, self.assessment.process.language), result.stage.id, result.milestone.id
        )

    @property
    def evidence_counts(self) -> bool | None:
        """The answer to "Does this count as evidence?" (None when not asked)."""
        result = self.evidence_result
        return None if result is None else result.status is Status.VERIFIED


# --- the answers -------------------------------------------------------------------------------


# Languages whose text keeps its first capital inside a sentence: German and Luxembourgish capitalise every noun
# ("Partnermanagerin Frau Groß …"), and Turkish and Azerbaijani lower I to ı, where str.lower() gives i. Elsewhere,
# as in English, a sentence's first capital is only the sentence's, so it is lowered (a name there is not told apart).
_CAPITALS_KEPT = frozenset({"de", "lb", "tr", "az"})


def lower_first(text: str, language: str) -> str:
    """`text`, written in `language` (a BCP 47 tag), to continue a sentence: its first letter in lower case, unless
    it starts an acronym (CFO, EUR) or the language keeps it."""
    if language.split("-")[0].lower() in _CAPITALS_KEPT or text[:2] == text[:2].upper():
        return text
    return text[:1].lower() + text[1:]


def _why(result: MilestoneResult, language: str) -> str:
    """Why the milestone is not verified, to continue a sentence; `language`: the process's, its texts' own."""
    if result.status is Status.UNANSWERED:
        return "nothing is recorded for it."
    if result.status is Status.NOT_MET:  # the engine's "The customer has not done this yet." says neither what nor why
        action = lower_first(ended(result.milestone.customer_action), language)
        return f"the rep recorded it as not done, so the customer must still do it: {action}"
    return ended(lower_first(result.reason, "en"))  # the engine's own words, in English


def _done_after(holding: MilestoneResult, assessment: Assessment) -> Iterator[str]:
    """The outcomes of the holding stage verified after the one that holds the deal, in one note: a signed
    contract does not move a deal on by itself while the signing date was never confirmed."""
    stage = holding.stage
    own = [result for result in assessment.milestones if result.stage.id == stage.id]
    later = [result for result in own[own.index(holding) + 1 :] if result.status is Status.VERIFIED]
    if not later:
        return
    must = f"every milestone of {stage.name} must be verified."
    if len(later) == 1:
        yield f"\u201c{later[0].milestone.question}\u201d is verified, but it does not move the deal on by itself: {must}"
    else:
        yield f"{plural(len(later), 'later outcome')} of {stage.name} are verified, but they do not move the deal on by themselves: {must}"


def _stage_verdict(assessment: Assessment, rep_activity: str | None) -> Verdict:
    stages = assessment.process.stages
    stage = assessment.verified_stage
    gap = gap_sentence(assessment)
    if not assessment.next:
        gate = stages[-2]
        rule = f"A deal reaches {stage.name} only when every milestone of every stage before it is verified, and this one's are."
        if not all(earlier.all_required for earlier in stages[:-1]):
            rule = f"A deal reaches {stage.name} only when every milestone it needs in every stage before it is verified, and this one's are."
        return Verdict(rule, gate.id, gate.milestones[-1].id, (gap, *_requirement_notes(assessment)))
    step = assessment.next_steps[0]
    first = step[0]
    needs = "all its milestones are" if stage.all_required else "every milestone it needs of this deal is"
    rule = f"A deal leaves {stage.name} only when {needs} verified, and \u201c{first.milestone.question}\u201d is not: {_why(first, assessment.process.language)}"
    if len(step) > 1:  # alternatives: any one of them would do, so the rule names them all
        questions = " or ".join(f"\u201c{result.milestone.question}\u201d" for result in step)
        rule = f"A deal leaves {stage.name} only when {needs} verified, and one of {questions} is needed: none is verified yet."
    notes = [*_requirement_notes(assessment), *(_done_after(first, assessment) if len(step) == 1 else ())]
    if rep_activity is not None:
        notes.append(
            f"\u201c{rep_activity}\u201d is what the rep did; the milestone needs the customer's action: {first.milestone.customer_action}"
        )
    if assessment.out_of_order:
        later = ", ".join(f"\u201c{r.milestone.question}\u201d" for r in assessment.out_of_order)
        notes.append(
            f"Outcomes already verified in later stages ({later}) count only once the gates before them are verified."
        )
    notes.append(gap)
    return Verdict(rule, first.stage.id, first.milestone.id, tuple(notes))


def _requirement_notes(assessment: Assessment) -> Iterator[str]:
    """What the deal did not need, up to its verified stage: milestones not required of it, optional ones, alternatives met."""
    through = {stage.id for stage in assessment.process.stages[: assessment.verified_index + 1]}
    for result in assessment.milestones:
        if result.stage.id not in through or result.status is Status.VERIFIED:
            continue
        question = f"\u201c{result.milestone.question}\u201d"
        if not result.milestone.required:
            yield f"{question} helps, but is not required: it never holds a deal back."
        elif not result.required:
            condition = result.milestone.required_when
            whom = f" (it is required only for {applies_to(condition)})" if condition is not None else ""
            yield f"{question} is not required for this deal{whom}."
        elif result.met_by is not None:
            meeting = next(m for m in result.stage.milestones if m.id == result.met_by)
            yield f"{question} is one of several alternatives; the group is met by \u201c{meeting.question}\u201d."


def _next_verdict(result: MilestoneResult, language: str) -> Verdict:
    rule = f"{ended(result.milestone.customer_action)} Evidence: {ended(result.milestone.evidence)}"
    return Verdict(rule, result.stage.id, result.milestone.id, (f"Now: {_why(result, language)}",))


def _evidence_sentence(result: MilestoneResult, language: str) -> str:
    if result.status is Status.VERIFIED and result.answer is not None and result.answer.buyer_confirmed:
        return "The buyer's own confirmation through the link counts as its evidence, and its date is within the rules."
    if result.status is Status.VERIFIED:
        return f"It names the record the milestone asks for ({result.milestone.evidence.strip().rstrip('.')}) and its date is within the rules."
    why = _why(result, language)
    return why[:1].upper() + why[1:]


def solve(process: Process, scenario: Scenario) -> SolvedScenario:
    """Assess the scenario's deal exactly as `playbook assess` would; raise InvalidInput for a bad deal."""
    deal = parse_deal(scenario.deal, process)
    if scenario.buyer_confirmed:
        name, email = scenario.buyer
        confirmed = {
            milestone_id: BuyerAnswer(name, email, deal.answers[milestone_id].date or PRACTICE_AS_OF, True).as_answer()
            for milestone_id in scenario.buyer_confirmed
        }
        deal = replace(deal, answers={**deal.answers, **confirmed})
    as_of = deal.as_of or PRACTICE_AS_OF
    return SolvedScenario(scenario, assess(process, deal, as_of))


def practice_scenarios(process: Process) -> list[SolvedScenario]:
    """Every scenario of the Practice section (generated, then hand-written), each with its answers."""
    practice = process.practice
    scenarios = generate_scenarios(process) if practice is None or practice.generated else []
    if practice is not None:
        scenarios += [hand_written(process, scenario) for scenario in practice.scenarios]
    return [solve(process, scenario) for scenario in scenarios]


def hand_written(process: Process, scenario: PracticeScenario) -> Scenario:
    """A `practice:` scenario of process.yaml as a Scenario (its deal dumped to the assess format)."""
    deal = scenario.deal.model_dump(mode="json", exclude_none=True)
    deal["milestones"] = {
        milestone_id: answer.model_dump(mode="json", exclude_none=True)
        for milestone_id, answer in scenario.deal.milestones.items()
    }
    title = scenario.deal.deal or scenario.id
    try:
        claimed_id = process.stage_lookup.find(scenario.deal.claimed_stage)
    except ValueError:
        claimed_id = None  # check_practice reports it, at its line
    claimed = process.stage_index(claimed_id) if claimed_id else None
    if claimed is not None:
        title += f", in the CRM as {process.stages[claimed].name}"
    return Scenario(scenario.id, title, scenario.story, deal, (Kind.HAND_WRITTEN,), hand_written=True)


# --- checking hand-written scenarios -----------------------------------------------------------


def check_practice(process: Process) -> list[Problem]:
    """Every problem of the `practice:` block: bad deals, duplicate ids, stated answers the engine disagrees with."""
    if process.practice is None:
        return []
    problems: list[Problem] = []
    generated = {scenario.id for scenario in generate_scenarios(process)} if process.practice.generated else set()
    seen: dict[str, int] = {}
    for index, written in enumerate(process.practice.scenarios):
        loc = ("practice", "scenarios", index)
        if written.id in seen:
            problems.append(
                Problem(
                    (*loc, "id"),
                    f"duplicate scenario id '{written.id}' (already used by scenario {seen[written.id] + 1}); give each scenario its own id",
                )
            )
        elif written.id in generated:
            problems.append(
                Problem(
                    (*loc, "id"),
                    f"scenario id '{written.id}' is already used by a generated scenario; choose another id",
                )
            )
        seen.setdefault(written.id, index)
        problems.extend(_check_scenario(process, written, loc))
    return problems


def _check_scenario(process: Process, written: PracticeScenario, loc: tuple[str | int, ...]) -> Iterator[Problem]:
    try:
        solved = solve(process, hand_written(process, written))
    except InvalidInput as invalid:
        for problem in invalid.problems:
            yield Problem((*loc, "deal", *problem.loc), problem.message, problem.severity, problem.at_key)
        return
    yield from _check_answer(process, written, solved, (*loc, "answer"))


def _check_answer(
    process: Process, written: PracticeScenario, solved: SolvedScenario, loc: tuple[str | int, ...]
) -> Iterator[Problem]:
    stated = written.answer
    engine_stage = solved.verified_stage.id
    try:
        # A stage's id or its name, as the deal's claimed_stage is read.
        stated_stage = process.stage_lookup.find(stated.verified_stage)
    except ValueError as error:
        yield Problem((*loc, "verified_stage"), str(error))
    else:
        if stated_stage is None:
            yield Problem((*loc, "verified_stage"), "'verified_stage' is blank; write the stage's id or name")
        elif stated_stage != engine_stage:
            yield Problem(
                (*loc, "verified_stage"),
                f"scenario '{written.id}' states verified stage '{stated.verified_stage}', but the engine places its deal in '{engine_stage}': "
                f"{solved.stage_verdict.rule} Correct the answer or the deal.",
            )
    if stated.next_milestones is None:
        return
    known = [milestone.id for _, milestone in process.milestones()]
    for position, milestone_id in enumerate(stated.next_milestones):
        if milestone_id not in known:
            yield Problem(
                (*loc, "next_milestones", position),
                f"unknown milestone '{milestone_id}'{did_you_mean(milestone_id, known)}",
            )
    engine_next = [milestone.id for milestone in solved.next_milestones]
    if set(stated.next_milestones) <= set(known) and sorted(stated.next_milestones) != sorted(engine_next):
        expected = ", ".join(engine_next) or "none (every milestone is verified)"
        yield Problem(
            (*loc, "next_milestones"),
            f"scenario '{written.id}' states next milestones [{', '.join(stated.next_milestones)}], but the engine says the customer must next achieve: {expected}. Correct the answer or the deal.",
        )


# --- generating scenarios ----------------------------------------------------------------------


def _days_ago(days: int) -> str:
    return (PRACTICE_AS_OF - dt.timedelta(days=days)).isoformat()


def _recent_days(milestone: Milestone, salt: int) -> int:
    """A date inside the milestone's maximum age, varied so that dates do not all look alike."""
    days = 2 + (salt * 5) % 20
    return min(days, milestone.max_age_days) if milestone.max_age_days else days


def _real_evidence(milestone: Milestone) -> str:
    """What a careful rep records: the record the milestone names."""
    text = milestone.evidence.strip()
    return text if evidence_counts(text) else f"Record: {text}"


def _flawed(kind: str, milestone: Milestone, salt: int) -> dict[str, Any] | None:
    """The rep's answer with this flaw; None means nothing is recorded."""
    recent = _days_ago(_recent_days(milestone, salt))
    if kind == Kind.PLACEHOLDER:
        return {"met": True, "evidence": PLACEHOLDER_EVIDENCE[salt % len(PLACEHOLDER_EVIDENCE)], "date": recent}
    if kind == Kind.STALE and milestone.max_age_days:
        return {
            "met": True,
            "evidence": _real_evidence(milestone),
            "date": _days_ago(milestone.max_age_days + 1 + salt % 30),
        }
    if kind == Kind.UNDATED:
        return {"met": True, "evidence": _real_evidence(milestone)}
    if kind == Kind.FUTURE:
        return {
            "met": True,
            "evidence": _real_evidence(milestone),
            "date": (PRACTICE_AS_OF + dt.timedelta(days=7 + salt % 14)).isoformat(),
        }
    if kind == Kind.NOT_MET:
        return {"met": False}
    return None


def _fits(kind: str, stage: Stage, milestone: Milestone) -> bool:
    """Whether this milestone can show the flaw (a stale outcome needs a maximum age, …); only a milestone that
    holds every deal alone can keep one short of the gate (a deal without an amount or segment needs a conditional one)."""
    if not milestone.required or milestone.group is not None:
        return False
    if milestone.buyer_confirms and kind in (Kind.STALE, Kind.UNDATED, Kind.FUTURE):
        return False  # the rep's answer alone waits for the buyer: its date is not what holds the deal
    if kind == Kind.REP_ACTIVITY:
        return bool(stage.rep_activities)
    if kind == Kind.PLACEHOLDER:
        return milestone.evidence_required
    if kind in (Kind.STALE, Kind.UNDATED):
        return milestone.max_age_days is not None
    return True


@dataclass
class _Writer:
    """Builds the scenarios one by one, numbering them and naming their deals."""

    process: Process
    scenarios: list[Scenario] = field(default_factory=list)

    @property
    def stages(self) -> list[Stage]:
        return self.process.stages

    def verified_through(self, last: int, salt: int) -> dict[str, Any]:
        """Real evidence for every milestone of the stages up to `last` (inclusive), dated in the order of the
        process (no outcome after a later one's: a trial is not passed before its criteria are agreed), each within
        its maximum age."""
        milestones = [milestone for stage in self.stages[: last + 1] for milestone in stage.milestones]
        answers: dict[str, Any] = {}
        newest_so_far = None
        for number, milestone in enumerate(milestones):
            days = 2 + salt % 3 + (len(milestones) - 1 - number) * 2
            if milestone.max_age_days:
                days = min(days, milestone.max_age_days)
            if newest_so_far is not None:
                days = min(days, newest_so_far)  # never older than the outcome before it
            newest_so_far = days
            answers[milestone.id] = self.done(milestone, _days_ago(days))
        return answers

    def add(
        self,
        id_: str,
        claimed: int,
        answers: dict[str, Any],
        story: str,
        kinds: tuple[str, ...],
        deal_keys: dict[str, Any] | None = None,
        awaiting: str | None = None,
        **extra: Any,
    ) -> None:
        """Add a scenario: the deal claimed in stage `claimed`, its rep's `answers`, and the buyer's confirmation of
        every outcome that needs it and is recorded as done with its evidence, but `awaiting`'s (the story says so)."""
        number = len(self.scenarios)
        companies = customer_names(self.process.company)
        company = companies[number % len(companies)]
        if number >= len(companies):
            company += f" {number // len(companies) + 1}"
        claimed_stage = self.stages[claimed]
        deal = {
            "deal": company,
            "claimed_stage": claimed_stage.id,
            **(deal_keys or {}),
            "as_of": PRACTICE_AS_OF.isoformat(),
            "milestones": answers,
        }
        opening = f"{company} is in the CRM as {ended(claimed_stage.name)} "
        confirmed = [
            milestone
            for _, milestone in self.process.milestones()
            if milestone.buyer_confirms
            and milestone.id != awaiting
            and milestone.id in answers
            and answers[milestone.id] == self.done(milestone, answers[milestone.id].get("date"))
        ]
        if confirmed:
            statements = " and ".join(f"\u201c{milestone.buyer_statement}\u201d" for milestone in confirmed)
            story += (
                f" The buyer confirmed {statements} through the confirmation link the rep sent from the saved deal."
            )
        self.scenarios.append(
            Scenario(
                id_,
                f"{company}, in the CRM as {claimed_stage.name}",
                opening + story,
                deal,
                kinds,
                buyer_confirmed=tuple(milestone.id for milestone in confirmed),
                **extra,
            )
        )

    @staticmethod
    def done(milestone: Milestone, date: str | None) -> dict[str, Any]:
        """A careful rep's answer: met, with the record the milestone names, on `date`."""
        return {"met": True, "evidence": _real_evidence(milestone), "date": date}

    def short(self, gate: int, flaw: str, salt: int) -> None:
        """Everything before stage `gate` is verified, and all of it but one flawed outcome."""
        stage = self.stages[gate]
        fitting = [m for m in stage.milestones if _fits(flaw, stage, m)]
        milestone = fitting[salt % len(fitting)]
        answers = self.verified_through(gate, salt)
        flawed = _flawed(flaw, milestone, salt)
        if flawed is None:
            del answers[milestone.id]
        else:
            answers[milestone.id] = flawed
        extra: dict[str, Any] = {}
        # The CRM already shows the next stage (see `add` below): the rep moved the deal, and is not about to.
        story = f"The rep moved it there on the outcomes below. {_flaw_story(flaw)}"
        if flaw == Kind.REP_ACTIVITY:
            activity = stage.rep_activities[salt % len(stage.rep_activities)]
            extra["rep_activity"] = activity
            # Activities are often listed as fragments; quote them as the sentence the rep wrote.
            note = ended(activity)
            story = f"The rep's latest note says: \u201c{note}\u201d The rep counts that as progress."
        elif flawed is not None and flawed["met"]:
            extra["evidence_question"] = milestone.id
        # The rep claims the next stage: the happy-ears move the scenario is about.
        self.add(f"{flaw}-in-{stage.id}", gate + 1, answers, story, (Kind.SHORT, flaw), **extra)


def _flaw_story(flaw: str) -> str:
    return {
        Kind.PLACEHOLDER: "One answer was typed in a hurry.",
        Kind.STALE: "Some of the outcomes happened a while ago.",
        Kind.UNDATED: "Not every outcome has a date.",
        Kind.NOT_MET: "The rep answered every question honestly.",
        Kind.FUTURE: "One outcome is booked for next week.",
    }.get(flaw, "")


def _possible_flaws(stage: Stage) -> list[str]:
    return [flaw for flaw in _FLAWS if any(_fits(flaw, stage, m) for m in stage.milestones)]


def generate_scenarios(process: Process) -> list[Scenario]:
    """The generated scenarios, deterministic for a process.

    Two per stage boundary (one deal just short of the gate, one through it), so every stage is
    a correct answer once; then, where the process allows them, one each of the flaws not yet
    shown, an out-of-order outcome, a deal claimed several stages ahead and a cautious deal;
    then, for a short pipeline, other flaws at its gates until there are a dozen (where possible).
    """
    writer = _Writer(process)
    stages = process.stages
    gates = range(len(stages) - 1)
    covered: set[str] = set()
    for gate in gates:
        possible = _possible_flaws(stages[gate])
        if possible:  # a stage of alternatives and optional milestones alone has none
            fresh = [flaw for flaw in possible if flaw not in covered]
            flaw = fresh[0] if fresh else possible[gate % len(possible)]
            covered.add(flaw)
            writer.short(gate, flaw, salt=gate)
        _through(writer, gate)
    for flaw in _FLAWS:
        where = next((g for g in gates if flaw in _possible_flaws(stages[g])), None)
        if flaw not in covered and where is not None:
            covered.add(flaw)
            writer.short(where, flaw, salt=where + 1)
    _ahead_out_of_order_behind(writer)
    _not_required(writer)
    _optional(writer)
    _alternative(writer)
    _awaiting_buyer(writer)
    _fill_up(writer, gates)
    return writer.scenarios


def _fill_up(writer: _Writer, gates: range) -> None:
    """A short pipeline gives few scenarios: add other flaws at each gate until a session has a dozen."""
    used = {scenario.id for scenario in writer.scenarios}
    for turn in range(len(_FLAWS)):
        for gate in gates:
            if len(writer.scenarios) >= MIN_SCENARIOS:
                return
            stage = writer.stages[gate]
            possible = _possible_flaws(stage)
            if not possible:
                continue
            flaw = possible[(gate + turn) % len(possible)]
            if f"{flaw}-in-{stage.id}" not in used:
                used.add(f"{flaw}-in-{stage.id}")
                writer.short(gate, flaw, salt=gate + turn + 2)


def _through(writer: _Writer, gate: int) -> None:
    """Every outcome of stages up to `gate` verified: the deal is in the next stage."""
    stages = writer.stages
    # Half of them the CRM is right, half the rep is cautious: neither answer is a pattern to learn.
    claimed = gate + 1 if gate % 2 == 0 else gate
    kinds: tuple[str, ...] = (Kind.THROUGH,) if claimed == gate + 1 else (Kind.THROUGH, Kind.BEHIND)
    story = "The rep has recorded these outcomes, each with its evidence and date."
    last_of_gate = stages[gate].milestones[-1]
    asked = last_of_gate.id if gate % 2 == 0 else None
    writer.add(
        f"through-{stages[gate].id}",
        claimed,
        writer.verified_through(gate, gate + 2),
        story,
        kinds,
        evidence_question=asked,
    )


def _ahead_out_of_order_behind(writer: _Writer) -> None:
    stages = writer.stages
    last = len(stages) - 1
    if last >= 2:
        # Out of order: the first gate is missing an outcome, the next stage's outcomes are all verified.
        answers = writer.verified_through(1, 7)
        missing = _gating(stages[0])[-1]
        answers[missing.id] = {"met": False}
        story = "The customer moved fast on the later outcomes; the rep skipped one early question."
        writer.add("out-of-order", 2, answers, story, (Kind.OUT_OF_ORDER, Kind.AHEAD))
        # Several stages ahead: the very first outcome is missing, the CRM claims a late stage.
        answers = writer.verified_through(0, 11)
        answers[_gating(stages[0])[0].id] = {"met": False}
        story = "The customer was enthusiastic on every call, so the rep moved the deal far ahead."
        writer.add("several-stages-ahead", min(last, 3), answers, story, (Kind.AHEAD,))
    # Cautious: the evidence supports a late stage, the CRM still shows the first one.
    verified = max(1, last - 1)
    answers = writer.verified_through(verified - 1, 13)
    story = "The rep has not touched the CRM stage since the first meeting, but kept recording outcomes."
    writer.add("cautious-rep", 0, answers, story, (Kind.BEHIND,))


def _gating(stage: Stage) -> list[Milestone]:
    """The stage's milestones that hold every deal alone (else all of them: the engine still answers)."""
    return [m for m in stage.milestones if m.required and m.group is None and m.required_when is None] or list(
        stage.milestones
    )


# Segments a deal outside a condition may be in, when the process names no other: names a sales team uses.
_OTHER_SEGMENTS = ("Commercial", "SMB", "Mid-Market", "Enterprise", "Private Sector", "Public Sector")


def _own_segments(process: Process) -> list[str]:
    """The segments the process itself names: in its conditions, then in its hand-written practice deals."""
    written = [scenario.deal.segment for scenario in (process.practice.scenarios if process.practice else [])]
    found: dict[str, str] = {}
    for segment in [*process_segments(process.milestones()), *(segment for segment in written if segment)]:
        found.setdefault(segment_key(segment), segment)
    return list(found.values())


def _names_in(process: Process) -> set[str]:
    """The words of every other name in the process (its own, its company's, its stages', groups' and CRM's): an
    invented segment sharing one ("Commercial" where a stage is Commercial) would read as that thing."""
    names = [
        process.name,
        process.company or "",
        *(word for stage in process.stages for word in (stage.id, stage.name)),
    ]
    names += [milestone.group or "" for _, milestone in process.milestones()]
    if process.crm is not None:
        names += [process.crm.name or "", *process.crm.stage_names, *process.crm.lost_stages]
    return {word for name in names for word in _words(name.replace("-", " "))}


def _outside(
    conditions: tuple[RequiredWhen, ...], by: str, named: list[str], clashing: set[str]
) -> dict[str, Any] | None:
    """An amount, a segment or both (`by`: "amount", "segment", "alternatives") of a deal every condition leaves
    out: {"amount": …, "segment": …}; the segment is one the process names elsewhere (`named`) when it can be, as a
    real deal's would be, else one that shares no word with the process's other names (`clashing`). None when no
    such deal is found (alternatives that leave out no deal together)."""
    deal: dict[str, Any] = {}
    if by != "amount":
        taken = frozenset(key for condition in conditions for key in condition.segment_keys)
        invented = [name for name in _OTHER_SEGMENTS if not _words(name) & clashing]
        deal["segment"] = next(name for name in (*named, *invented, "Other segment") if segment_key(name) not in taken)
    if by != "segment":
        amounts = [c.amount_at_least / 2 for c in conditions if c.amount_at_least]
        amounts += [c.amount_below * 2 for c in conditions if c.amount_below is not None]
        segment = deal.get("segment")
        deal["amount"] = next((a for a in amounts if not any(c.holds(a, segment) for c in conditions)), None)
    if any(condition.holds(deal.get("amount"), deal.get("segment")) for condition in conditions):
        return None
    return deal


def _leaves_out_by(conditions: tuple[RequiredWhen, ...]) -> list[str]:
    """What a deal can be left out of the condition by: its amount, its segment, or both; a deal is left out of
    alternatives by its amount and its segment together."""
    if len(conditions) > 1:
        return ["alternatives"]
    (condition,) = conditions
    by = []
    if (condition.amount_at_least or 0) > 0 or condition.amount_below is not None:
        by.append("amount")
    if condition.segment:
        by.append("segment")
    return by


def _not_required(writer: _Writer) -> None:
    """Deals a conditional milestone is not required of, without it, through its gate: one left out by its amount,
    one by its segment and one by both, of alternatives (the first milestone of each kind), so a rep practises each
    rule."""
    named = _own_segments(writer.process)
    clashing = _names_in(writer.process)
    practised: list[str] = []
    for gate, stage in enumerate(writer.stages[:-1]):
        for milestone in stage.milestones:
            conditions = milestone.required_when
            if not milestone.required or conditions is None:
                continue
            for by in (kind for kind in _leaves_out_by(conditions) if kind not in practised):
                outside = _outside(conditions, by, named, clashing)
                if outside is None:
                    continue
                practised.append(by)
                answers = writer.verified_through(gate, 17 + len(practised))
                del answers[milestone.id]
                deal = [f"worth {money(outside['amount'])}"] if "amount" in outside else []
                deal += [f"in the {outside['segment']} segment"] if "segment" in outside else []
                story = (
                    f"The deal is {', '.join(deal)}. The rep recorded every outcome of the stages up to {stage.name} "
                    f"but one: \u201c{milestone.question}\u201d"
                )
                id_ = f"not-required-in-{stage.id}" + ("" if len(practised) == 1 else f"-by-{by}")
                writer.add(id_, gate + 1, answers, story, (Kind.NOT_REQUIRED,), deal_keys=outside)


def _optional(writer: _Writer) -> None:
    """A deal through the gate of the first stage with an optional milestone, without it."""
    for gate, stage in enumerate(writer.stages[:-1]):
        milestone = next((m for m in stage.milestones if not m.required), None)
        if milestone is None:
            continue
        answers = writer.verified_through(gate, 19)
        answers[milestone.id] = {"met": False}
        story = f"The customer did everything the rep asked up to {stage.name}, except this: \u201c{milestone.customer_action}\u201d"
        writer.add(f"optional-in-{stage.id}", gate + 1, answers, story, (Kind.OPTIONAL,))
        return


def _alternative(writer: _Writer) -> None:
    """A deal through the gate of the first stage with a group, by its last alternative alone."""
    for gate, stage in enumerate(writer.stages[:-1]):
        grouped = [m for m in stage.milestones if m.group is not None and m.required]
        if not grouped:
            continue
        group = grouped[0].group
        members = [m for m in grouped if m.group == group]
        answers = writer.verified_through(gate, 23)
        for member in members[:-1]:
            del answers[member.id]
        story = (
            f"The customer chose one way to prove the point: \u201c{members[-1].customer_action}\u201d "
            "The rep recorded nothing for "
            + (
                f"the other: \u201c{members[0].customer_action}\u201d"
                if len(members) == 2
                else f"the other {len(members) - 1}."
            )
        )
        writer.add(
            f"alternative-in-{stage.id}",
            gate + 1,
            answers,
            story,
            (Kind.ALTERNATIVE,),
            evidence_question=members[-1].id,
        )
        return


def _awaiting_buyer(writer: _Writer) -> None:
    """A deal at the gate of the first stage with a `confirmation: required` milestone, its evidence recorded and the
    link sent, but the buyer not answered yet: the deal stays."""
    for gate, stage in enumerate(writer.stages[:-1]):
        milestone = next((m for m in stage.milestones if m.buyer_confirms and m.required and m.group is None), None)
        if milestone is None:
            continue
        story = (
            f"The rep recorded the evidence for \u201c{milestone.question}\u201d and sent the buyer a confirmation "
            f"link from the saved deal to confirm \u201c{milestone.buyer_statement}\u201d; the buyer has not answered it yet."
        )
        answers = writer.verified_through(gate, 29)
        kinds = (Kind.SHORT, Kind.AWAITING_BUYER)
        writer.add(f"awaiting-buyer-in-{stage.id}", gate + 1, answers, story, kinds, awaiting=milestone.id)
        return


# --- presenting scenarios ----------------------------------------------------------------------


def recorded_outcomes(solved: SolvedScenario) -> list[tuple[Stage, Milestone, str]]:
    """What the rep recorded, in process order: (stage, milestone, "yes, evidence “…”, dated …")."""
    recorded = solved.scenario.deal.get("milestones") or {}
    return [
        (result.stage, result.milestone, _described(result, recorded[result.milestone.id]))
        for result in solved.assessment.milestones
        if recorded.get(result.milestone.id) is not None
    ]


def _described(result: MilestoneResult, recorded: object) -> str:
    """The answer in words: the buyer's confirmation through the link, or the rep's answer as typed."""
    buyer = result.answer.buyer if result.answer is not None else None
    if buyer is not None and buyer.agreed:
        return f"yes, confirmed by the buyer ({buyer.name}, {buyer.email}) through the confirmation link, dated {buyer.date.isoformat()}"
    return describe_answer(recorded)


def describe_answer(answer: object) -> str:
    """One recorded answer in words, exactly as the rep typed its evidence."""
    if isinstance(answer, bool):
        return "yes" if answer else "no"
    if not isinstance(answer, dict) or not answer.get("met"):
        return "no: not done yet"
    evidence = answer.get("evidence")
    parts = ["yes", f"evidence \u201c{evidence}\u201d" if evidence else "no evidence named"]
    date = answer.get("date")
    parts.append(f"dated {date}" if date else "no date")
    return ", ".join(parts)


def evidence_question_text(solved: SolvedScenario) -> str | None:
    """'Does this count as evidence?' about one recorded answer, or None when the scenario does not ask."""
    result = solved.evidence_result
    if result is None:
        return None
    answer = _described(result, solved.scenario.deal["milestones"][result.milestone.id])
    return f"For \u201c{result.milestone.question}\u201d the rep recorded: {answer}. Does this count as evidence?"


def _verdict_json(verdict: Verdict) -> dict[str, Any]:
    return {"rule": verdict.rule, "notes": list(verdict.notes), "link": verdict.link}


def scenario_json(solved: SolvedScenario) -> dict[str, Any]:
    """A scenario as `playbook practice --json` prints it: id, story, deal (assess input) and answer."""
    scenario = solved.scenario
    assessment = solved.assessment
    evidence = solved.evidence_verdict
    return {
        "id": scenario.id,
        "title": scenario.title,
        "source": "process.yaml" if scenario.hand_written else "generated",
        "kinds": list(scenario.kinds),
        "story": scenario.story,
        "deal": scenario.deal,
        # What the buyer confirmed through the link (no deal file can say it): assess the deal alone and these wait.
        "buyer_confirmed": list(scenario.buyer_confirmed),
        "answer": {
            "verified_stage": solved.verified_stage.id,
            "next_milestones": [milestone.id for milestone in solved.next_milestones],
            "claimed_stage": None if assessment.claimed_stage is None else assessment.claimed_stage.id,
            "stages_ahead": assessment.stages_ahead,
            "out_of_order": [result.milestone.id for result in assessment.out_of_order],
            "why": _verdict_json(solved.stage_verdict),
            "evidence_question": None
            if evidence is None
            else {
                "milestone": evidence.milestone_id,
                "question": evidence_question_text(solved),
                "counts": solved.evidence_counts,
                **_verdict_json(evidence),
            },
        },
    }
