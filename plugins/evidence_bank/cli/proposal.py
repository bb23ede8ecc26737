"""`./scripts/issue-to-pull-request`: turn a "Propose a case study" issue into a pull request's
branch, and write what the workflow posts.

    ./scripts/issue-to-pull-request --issue 12 --out proposal-out [--remote origin]

Reads the issue body (from --body-file, the ISSUE_BODY environment variable, or standard input),
converts it with the issue form's converter, and, when it makes a valid case study, pushes one
commit adding `case_studies/<slug>.md` on top of HEAD to the branch `proposal/issue-<N>` of the
remote. An edit of the issue runs it again: the branch gets a fresh single commit (pushed with
`--force-with-lease`, so a push nobody has seen is never lost), the case study keeps its id, and
the pull request stays the same one. Once anyone else has committed to the branch, edits of the
issue no longer touch it.

It never touches the working tree or HEAD: the commit is made from a temporary index.

Ids and file names must not clash with main or with the other open proposals: it fetches the
last commit of each of the remote's `proposal/issue-*` branches and reads the ids and file names
in its `case_studies/`.

It writes, into --out:
  reply.md                  the reply for the issue (always; it starts with the marker the
                            workflow finds its own comment by, and never repeats personal data)
  branch.txt                the branch, when the proposal has one holding a valid case study
  pull-request-title.txt    \\ the pull request's title and body (with "Closes #N"), with
  pull-request-body.md      / branch.txt

Exit status: 0 when the issue was answered (a pull request's branch, or a reply saying what to
fix), 1 when something failed on our side (the reply says so; the error is on standard error),
2 on a usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..core import catalog, issue_form, scaffold, vocabulary
from . import project_root, urls
from .issue_form import add_published_option, read_body, today

BRANCH_PREFIX = "proposal/issue-"
ISSUE_TRAILER = "Evidence-Bank-Proposal"
"""Names the issue in the trailer of every commit this tool makes: a branch whose last commit
lacks it has been taken over by a maintainer."""
BOT_NAME = "github-actions[bot]"
BOT_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com"
_FETCHED = "refs/evidence-bank-proposals/"
"""Where the remote's proposal branches are fetched to, apart from anyone's own branches."""


class ProposalError(Exception):
    """Something on our side failed (git, the remote, the file system); said in plain words."""


@dataclass(frozen=True, slots=True)
class Branch:
    """A proposal branch on the remote, as fetched."""

    ref: str
    commit: str
    issue: int | None
    """The issue named in its last commit's trailer; None if someone else made that commit."""
    ids: frozenset[str]
    """Every case-study id on the branch (main's too: the caller takes those away)."""
    slugs: frozenset[str]
    """Every case-study file name on the branch, without `.md`."""


class Git:
    """git in the project's folder, with failures raised as `ProposalError`."""

    def __init__(self, root: Path, env: dict[str, str] | None = None) -> None:
        self.root = root
        self.env = {**os.environ, **(env or {})}

    def __call__(
        self,
        *args: str,
        input: str | None = None,
        env: dict[str, str] | None = None,
        none_found_ok: bool = False,
    ) -> str:
        """git's output. `none_found_ok`: exit status 1 (`git grep` found nothing) is not a
        failure."""
        result = subprocess.run(
            ["git", *args],
            cwd=self.root,
            input=input,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            check=False,
        )
        if none_found_ok and result.returncode == 1 and not result.stderr:
            return ""
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip() or f"exit status {result.returncode}"
            raise ProposalError(f"git {args[0]} failed: {detail}")
        return result.stdout.strip()


def trailers(message: str) -> dict[str, str]:
    """The `Key: value` trailers in the last paragraph of a commit message."""
    last = message.strip().split("\n\n")[-1]
    return dict(re.findall(r"(?m)^([A-Za-z-]+): (.+)$", last))


def fetch_proposals(git: Git, remote: str) -> list[Branch]:
    """Every `proposal/issue-*` branch of the remote, with the case study its commit adds."""
    heads = f"refs/heads/{BRANCH_PREFIX}"
    listed = [
        line.split("\t")
        for line in git("ls-remote", "--heads", remote, f"{heads}*").splitlines()
        if line.split("\t")[-1].startswith(heads)
    ]
    if not listed:
        return []  # (and a fetch of nothing fails in a shallow repository)
    # A shallow checkout (the workflow's) fetches the branches' last commits and their parents
    # only: enough to read each one and tell whether a new commit would change anything.
    depth = ["--depth=2"] if git("rev-parse", "--is-shallow-repository") == "true" else []
    git("fetch", "--quiet", "--no-tags", *depth, remote, f"+{heads}*:{_FETCHED}{BRANCH_PREFIX}*")
    branches = []
    for commit, ref in listed:
        issue = trailers(git("log", "-1", "--format=%B", commit)).get(ISSUE_TRAILER, "")
        # Read from the branch's files, not from the commit: right after a maintainer's commits.
        names = git("ls-tree", "--name-only", commit, "case_studies/").splitlines()
        found = git("grep", "-h", "-E", "^id:", commit, "--", "case_studies/", none_found_ok=True)
        ids = [found_id.decode() for found_id in catalog.ID_LINE.findall(found.encode())]
        branches.append(
            Branch(
                ref.removeprefix("refs/heads/"),
                commit,
                int(issue) if issue.isdigit() else None,
                frozenset(ids),
                frozenset(Path(name).stem for name in names if name.endswith(".md")),
            )
        )
    return branches


@dataclass(frozen=True, slots=True)
class Result:
    """What the run did, for the reply and the pull request."""

    outcome: issue_form.Outcome
    branch: str
    proposal: issue_form.Proposal | None = None
    branch_kept: bool = False


def propose(
    body: str,
    *,
    issue: int,
    git: Git,
    remote: str,
    base: str,
    published: dt.date,
    author: tuple[str, str],
) -> Result:
    """Convert the issue body and make or update its branch on the remote."""
    branch = f"{BRANCH_PREFIX}{issue}"
    root = git.root
    proposals = fetch_proposals(git, remote)
    own = next((b for b in proposals if b.ref == branch), None)
    if own and own.issue != issue:
        return Result(issue_form.Outcome.TAKEN_OVER, branch)
    others = [b for b in proposals if b is not own]
    taken_ids = set(urls.reserved_ids(root))
    taken_slugs = {entry.stem for entry in (root / "case_studies").glob("*.md")}
    own_ids = sorted(own.ids - taken_ids) if own else []
    for other in others:
        taken_ids |= other.ids
        taken_slugs |= other.slugs
    if len(own_ids) == 1 and own_ids[0] not in taken_ids:
        new_id = own_ids[0]  # an edit keeps the id the proposal was first given
    else:
        new_id = scaffold.next_free_id(root / "case_studies", sorted(taken_ids))
    vocab = vocabulary.load(vocabulary.default_path())
    proposal = issue_form.to_case_study(
        body, vocab, new_id=new_id, taken_slugs=taken_slugs, published=published
    )
    if proposal.text is None:
        return Result(issue_form.Outcome.NOT_CONVERTED, branch, proposal, branch_kept=bool(own))
    path = f"case_studies/{proposal.slug}.md"
    base_commit = git("rev-parse", "--verify", f"{base}^{{commit}}")
    blob = git("hash-object", "-w", "--stdin", input=proposal.text)
    with tempfile.TemporaryDirectory(prefix="eb-proposal-") as scratch:
        index = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        git("read-tree", base_commit, env=index)
        git("update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=index)
        tree = git("write-tree", env=index)
    if (
        own
        and git("rev-parse", f"{own.commit}^{{tree}}") == tree
        and git("log", "-1", "--format=%P", own.commit) == base_commit
    ):
        return Result(issue_form.Outcome.UNCHANGED, branch, proposal)
    message = (
        f"Add case study {proposal.slug} ({proposal.id}) from issue #{issue}\n\n"
        "Made from the 'Propose a case study' issue form by ./scripts/issue-to-pull-request.\n"
        "Each edit of the issue replaces this commit, until someone else commits here.\n\n"
        f"{ISSUE_TRAILER}: {issue}\n"
    )
    name, email = author
    identity = {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
    }
    commit = git("commit-tree", tree, "-p", base_commit, input=message, env=identity)
    # The lease: the branch must still be what was fetched (or still absent), so a commit
    # pushed since, by a maintainer, is never overwritten.
    lease = f"--force-with-lease=refs/heads/{branch}:{own.commit if own else ''}"
    git("push", "--quiet", lease, remote, f"{commit}:refs/heads/{branch}")
    outcome = issue_form.Outcome.UPDATED if own else issue_form.Outcome.OPENED
    return Result(outcome, branch, proposal)


def pull_request_body(result: Result, issue: int) -> str:
    """The pull request's description: what it adds, where from, and what to check."""
    assert result.proposal
    proposal = result.proposal
    lines = [
        f"Closes #{issue}.",
        "",
        f"Adds `case_studies/{proposal.slug}.md` ({proposal.id}), made from the proposal in "
        f"#{issue} by the case-study proposal workflow. Each edit of the issue replaces this "
        "pull request's commit, until someone else commits to the branch.",
        "",
        "Before merging, check the case study against its sources, and that everyone named "
        "has agreed to be. Checks do not run on their own on a pull request the workflow "
        "made: close and reopen it to run them.",
    ]
    if proposal.problems:
        lines += ["", "Answers that could not be used (the proposer was told):", ""]
        lines += [f"- {issue_form.markdown_text(problem)}" for problem in proposal.problems]
    return issue_form.redact("\n".join(lines)) + "\n"


def write_outputs(out: Path, result: Result, issue: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "reply.md").write_text(
        issue_form.reply(
            result.proposal,
            result.outcome,
            branch=result.branch,
            branch_kept=result.branch_kept,
        ),
        encoding="utf-8",
    )
    with_branch = {
        issue_form.Outcome.OPENED,
        issue_form.Outcome.UPDATED,
        issue_form.Outcome.UNCHANGED,
    }
    for name in ("branch.txt", "pull-request-title.txt", "pull-request-body.md"):
        (out / name).unlink(missing_ok=True)
    if result.outcome in with_branch and result.proposal:
        (out / "branch.txt").write_text(result.branch + "\n", encoding="utf-8")
        (out / "pull-request-title.txt").write_text(
            issue_form.redact(f"Case study: {result.proposal.title}") + "\n", encoding="utf-8"
        )
        (out / "pull-request-body.md").write_text(
            pull_request_body(result, issue), encoding="utf-8"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="./scripts/issue-to-pull-request",
        description="Turn a 'Propose a case study' issue into a pull request's branch.",
    )
    parser.add_argument("--issue", type=int, required=True, help="the issue's number")
    parser.add_argument(
        "--body-file", type=Path, help="the issue body (default: $ISSUE_BODY or standard input)"
    )
    parser.add_argument(
        "--out", type=Path, required=True, help="the folder to write the reply and the rest to"
    )
    parser.add_argument(
        "--remote", default="origin", help="the git remote (a name or an address) to push to"
    )
    parser.add_argument(
        "--base", default="HEAD", help="the commit the branch starts from (default: HEAD)"
    )
    parser.add_argument("--author-name", default=BOT_NAME, help=f"the commit's author ({BOT_NAME})")
    parser.add_argument("--author-email", default=BOT_EMAIL, help="the commit author's email")
    add_published_option(parser)
    args = parser.parse_args(argv)
    result = Result(issue_form.Outcome.FAILED, f"{BRANCH_PREFIX}{args.issue}")
    try:
        body = read_body(args.body_file)
        result = propose(
            body,
            issue=args.issue,
            git=Git(project_root()),
            remote=args.remote,
            base=args.base,
            published=args.published or today(),
            author=(args.author_name, args.author_email),
        )
    except (ProposalError, OSError, UnicodeDecodeError) as error:
        print(f"error: {error}", file=sys.stderr)
    except Exception as error:  # The boundary: a proposer gets a reply, never a traceback.
        print(f"error: unexpected {type(error).__name__}: {error}", file=sys.stderr)
    try:
        write_outputs(args.out, result, args.issue)
    except OSError as error:
        print(f"error: cannot write to {args.out}: {error}", file=sys.stderr)
        return 1
    if result.outcome is issue_form.Outcome.FAILED:
        return 1
    print(f"{result.outcome.value}: {result.branch}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
