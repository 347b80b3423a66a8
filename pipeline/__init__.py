"""Japan smart-city initiatives: the pipeline that rebuilds the dataset from its sources."""

__version__ = "0.1.0"  # the dataset's version: one place (CITATION.cff and dist follow it)

# A publication's completion marker: written last by publish, read by build to skip a rebuild.
STAMP_NAME = "build_stamp.json"

# Where `make report` draws its figures, inside the publication folder. Not part of the
# publication: a rebuild carries it over as it carries every file of the user's.
REPORT_DIR = "report"
