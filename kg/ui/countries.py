"""Country of an affiliation, for the Models page's country filter.

The survey database names institutions, not countries, and the graph holds no
``mskg:country`` yet for the bundled models; this table covers the institutions it names.
When a model does carry ``mskg:country`` facts, those win. An institution not listed here is
'unknown' (said so in the filter), never guessed.
"""

from __future__ import annotations

UNKNOWN = "unknown"

AFFILIATION_COUNTRY: dict[str, str] = {
    "Adobe": "United States",
    "Arizona State University": "United States",
    "Beihang University": "China",
    "Beijing Academy of Artificial Intelligence (BAAI)": "China",
    "Beijing Institute of Technology": "China",
    "Beijing University of Posts and Telecommunications": "China",
    "Carnegie Mellon University": "United States",
    "Case Western reserve University": "United States",
    "Case Western Reserve University": "United States",
    "Chinese Academy of Sciences": "China",
    "Chinese University of Hong Kong": "China (Hong Kong)",
    "Cornell University": "United States",
    "DKFZ": "Germany",
    "East China Normal University": "China",
    "Fraunhofer Institute for Digital Medicine MEVIS": "Germany",
    "Fudan University": "China",
    "Harbin Institute of Technology (Shenzhen)": "China",
    "Harvard University": "United States",
    "Huawei Technologies": "China",
    "Imperial College London": "United Kingdom",
    "Johns Hopkins University": "United States",
    "Lehigh University": "United States",
    "Ludwig-Maximilians-Universität München": "Germany",
    "MIT": "United States",
    "Medical College of Tianjin University": "China",
    "Memorial Sloan Kettering Cancer Center": "United States",
    "Mohamed bin Zayed University of Artificial Intelligence": "United Arab Emirates",
    "Nanjing University of Science and Technology": "China",
    "National University of Singapore": "Singapore",
    "Northwestern Polytechnical University Xi'an": "China",
    "Peking University": "China",
    "Princeton": "United States",
    "RWTH Aachen University": "Germany",
    "Ritsumeikan University": "Japan",
    "Rutgers University": "United States",
    "Shanghai AI Laboratory": "China",
    "Shanghai Jiao Tong University": "China",
    "Sichuan University": "China",
    "Southeast University": "China",
    "Stanford University": "United States",
    "Technical University of Munich": "Germany",
    "Tencent YouTu X-Lab": "China",
    "The Hong Kong Polytechnic University": "China (Hong Kong)",
    "The Hong Kong University of Science and Technology": "China (Hong Kong)",
    "The University of Adelaide": "Australia",
    "University Hospital Basel": "Switzerland",
    "University of California": "United States",
    "University of Cambridge": "United Kingdom",
    "University of Electronic Science and Technology of China": "China",
    "University of Florida": "United States",
    "University of Freiburg": "Germany",
    "University of Hong Kong": "China (Hong Kong)",
    "University of Illinois Urbana-Champaign": "United States",
    "University of Oxford": "United Kingdom",
    "University of Regensburg": "Germany",
    "University of Rennes": "France",
    "University of Science and Technology Beijing": "China",
    "University of Science and Technology of China": "China",
    "University of Toronto": "Canada",
    "University of Wisconsin-Madison": "United States",
    "Vanderbilt University": "United States",
    "Vector Institute for Artificial Intelligence": "Canada",
    "West Virginia University": "United States",
    "Zhejiang Shuren University": "China",
    "Zhejiang University": "China",
    # Multinationals: headquarters country (the survey gives no lab location).
    "Google": "United States",
    "Meta": "United States",
    "Microsoft": "United States",
    "Nvidia": "United States",
}

_FOLDED = {k.casefold(): v for k, v in AFFILIATION_COUNTRY.items()}


def country_of(affiliation: str) -> str:
    return _FOLDED.get(affiliation.strip().casefold(), UNKNOWN)
