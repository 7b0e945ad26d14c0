"""Removing personal data from text that goes public (the public board, 公开栏).

A first pass for the dispatcher, who reads and edits the result before publishing:
phone numbers, ID card numbers and house numbers (building, unit, floor, room) become
"×"; a place is cut back to its road or compound. Names cannot be found reliably by a
pattern, so they stay for the dispatcher to remove.
"""

import re

MARK = "×"

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
LANDLINE = re.compile(r"(?<!\d)0\d{2,3}[- ]?\d{7,8}(?!\d)")
LONG_NUMBER = re.compile(r"(?<!\d)\d{7,}(?!\d)")  # whatever else looks like a number to dial
# 5号楼, 3栋, 2单元, 4层, 402室, 12号, 7户 — the number goes, the word stays.
HOUSE_NUMBER = re.compile(r"[0-9０-９]+(?:[-－][0-9０-９]+)?(?=\s*(?:号楼|号院|栋|幢|单元|层|楼|室|号|户))")
ROOM_AFTER_UNIT = re.compile(r"(?<=单元)\s*[0-9０-９]{2,4}")  # 2单元402
DIGIT = re.compile(r"[0-9０-９]")


def redact_text(text: str | None) -> str:
    """The text with phone numbers, ID numbers and house numbers replaced by ×."""
    if not text:
        return ""

    def cover(match: re.Match) -> str:
        return MARK * len(re.sub(r"\D", "", match.group(0)) or "x")

    text = ID_NUMBER.sub(cover, text)
    text = MOBILE.sub(cover, text)
    text = LANDLINE.sub(cover, text)
    text = LONG_NUMBER.sub(cover, text)
    text = ROOM_AFTER_UNIT.sub(lambda m: MARK * len(m.group(0).strip()), text)
    text = HOUSE_NUMBER.sub(MARK, text)
    return text


def public_place(address: str | None, *, fallback: str = "", limit: int = 100) -> str:
    """The road or compound of an address: everything before the first number.
    新达街道永昌佳苑小区5号楼2单元402 → 新达街道永昌佳苑小区."""
    address = (address or "").strip()
    match = DIGIT.search(address)
    place = address[: match.start()] if match else address
    place = place.rstrip(" ,，、-－#（(")
    return (place or fallback)[:limit]
