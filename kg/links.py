"""Web links as the graph states them: one spelling per code repository, project pages
apart from repositories, and https where the site serves it. No network: what is known
about hosts is written down here.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

# Hosts whose paths name a code repository (owner/name): a link there is schema:codeRepository.
CODE_HOSTS = {"github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "huggingface.co", "sourceforge.net"}
# Hosts the survey's links name over http:// that answer on https:// with the same page
# (checked by hand in a browser; add a host here only after such a check).
HTTPS_HOSTS = {"medicaldecathlon.com", "openaccess.thecvf.com", "www.medicaldecathlon.com"}
# Links the survey database gives as code that are not a repository, with the repository
# they lead to: a short link (aka.ms redirects to the model's Hugging Face repository) and a
# page of rendered source in MONAI's documentation (the code lives in MONAI's repository).
KNOWN_REPOSITORIES = {
    "https://aka.ms/biomedclip": "https://huggingface.co/microsoft/BiomedCLIP-PubMedBERT_256-vit_base_patch16_224",
    "https://docs.monai.io/en/0.4.0/_modules/monai/networks/nets/segresnet.html": "https://github.com/Project-MONAI/MONAI",
}
_GITLAB_PAGES = {"tree", "blob", "raw", "issues", "merge_requests", "commits", "wikis"}
_GITHUB_PAGES = re.compile(r"^(?P<owner>[a-z0-9-]+)\.github\.io$")


def page_url(url: str) -> str:
    """A landing page's URL on https when its host is known to serve it, spaces trimmed."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme == "http" and parts.hostname in HTTPS_HOSTS:
        return urlunsplit(("https", parts.netloc, parts.path, parts.query, parts.fragment))
    return url


def repository_url(url: str) -> str | None:
    """The canonical URL of the code repository ``url`` names (https, host in lower case, no
    '.git', query, fragment or trailing slash, only owner/name on a code host), or None
    when ``url`` is a project page rather than a repository."""
    url = page_url(url)
    url = KNOWN_REPOSITORIES.get(url, url)
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    if host not in CODE_HOSTS:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) < 2:
        return None
    owner, name = segments[0], segments[1]
    if name.endswith(".git"):
        name = name[: -len(".git")]
    # GitLab nests groups; the others name owner/name (Hugging Face: also spaces/owner/name).
    keep = segments[:3] if host == "huggingface.co" and owner in {"spaces", "datasets"} else [owner, name]
    if host == "gitlab.com":
        # GitLab puts '-' between a project and its pages (/-/blob/main/x.py, /-/tree/main);
        # older links went straight to /tree/ or /blob/.
        keep = segments[: segments.index("-")] if "-" in segments else segments
        cut = next((k for k, s in enumerate(keep) if k >= 2 and s in _GITLAB_PAGES), len(keep))
        keep = [s[: -len(".git")] if s.endswith(".git") else s for s in keep[:cut]]
    return urlunsplit(("https", host, "/" + "/".join(keep), "", ""))


def repository_of_page(url: str) -> str | None:
    """The repository a GitHub Pages project site is built from: https://owner.github.io/name/
    is served from github.com/owner/name by GitHub's own convention."""
    parts = urlsplit(url.strip())
    m = _GITHUB_PAGES.match((parts.hostname or "").lower())
    segments = [s for s in parts.path.split("/") if s]
    if not m or not segments:
        return None
    return f"https://github.com/{m.group('owner')}/{segments[0]}"
