"""The coordinator's compiled overview: pure aggregation plus renderers per format."""

from reports.overview import Overview, build_overview
from reports.partners import PartnerRegistry, normalise_partner
from reports.render import DEFAULT_FORMAT, FORMATS, UnknownFormatError, filename, render
from reports.summary import summary_text

__all__ = [
    "DEFAULT_FORMAT",
    "FORMATS",
    "Overview",
    "PartnerRegistry",
    "UnknownFormatError",
    "build_overview",
    "filename",
    "normalise_partner",
    "render",
    "summary_text",
]
