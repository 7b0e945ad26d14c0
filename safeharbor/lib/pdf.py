"""Chinese text in PDFs made with reportlab.

`chinese_font()` registers, once, the first TrueType CJK font found on the machine
(`fonts-wqy-microhei` on Debian: /usr/share/fonts/truetype/wqy/wqy-microhei.ttc) and
returns its name. reportlab then embeds a subset of it in every PDF, so the document
prints the same everywhere, also on a reader without Chinese fonts.

Fonts with PostScript (CFF) outlines, such as Noto CJK, do not work in reportlab
("postscript outlines are not supported"); they are skipped.

When no usable font is installed it falls back to the Adobe CID font "STSong-Light" and
logs a warning: that font is *not embedded*, so the reader has to supply a Chinese font,
and without one every character is an empty box. Install fonts-wqy-microhei (1.6 MB) on
servers that make PDFs.
"""

import functools
import glob
import logging

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

logger = logging.getLogger(__name__)

FONT_NAME = "SafeHarborCJK"
FALLBACK_FONT = "STSong-Light"
CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/*.ttf",
    "/usr/share/fonts/truetype/arphic/*.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/*/*[Ss]imHei*.tt[fc]",
    "/usr/share/fonts/truetype/*/*[Ss]imSun*.tt[fc]",
)


def font_files() -> list[str]:
    """The candidate font files that exist here, in order of preference."""
    found: list[str] = []
    for pattern in CANDIDATES:
        found.extend(sorted(glob.glob(pattern)))
    return found


@functools.cache
def chinese_font() -> str:
    """The name of a registered font that draws Chinese (embedded when possible)."""
    for path in font_files():
        try:
            pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=0))
        except (TTFError, OSError) as exc:
            logger.info("skipping font %s: %s", path, exc)
            continue
        return FONT_NAME
    logger.warning(
        "No TrueType Chinese font found (install fonts-wqy-microhei); PDFs use %s, which is not "
        "embedded: readers without a Chinese font will show empty boxes.", FALLBACK_FONT,
    )
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    return FALLBACK_FONT


def is_embedded(font_name: str) -> bool:
    return font_name == FONT_NAME
