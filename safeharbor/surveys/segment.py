"""Free-text answers cut into words (jieba) for the themes of the analysis: done once when a
response arrives (actions.text_terms), so that the themes are counted in the database."""

import re

STOPWORDS = set(
    "我们 你们 他们 她们 它们 自己 这个 那个 这些 那些 什么 怎么 为什么 因为 所以 但是 而且 或者 如果 就是 还是 没有 "
    "一个 一些 一下 可以 希望 觉得 认为 现在 时候 已经 非常 比较 特别 有些 还有 然后 这样 那样 不是 是否 以及 进行 "
    "问题 情况 方面 工作 相关 其他 大家 有的 不能 不会 应该 需要".split()
)
_WORD = re.compile(r"^[\u4e00-\u9fffA-Za-z]{2,}$")
MAX_TERM = 40


def tokens(text: str) -> list[str]:
    import jieba

    return [t for t in jieba.lcut(text) if _WORD.match(t) and t not in STOPWORDS and len(t) <= MAX_TERM]


def terms(text: str) -> tuple[set[str], set[str]]:
    """The words and two-word phrases of one answer, each once."""
    found = tokens(text)
    phrases = {a + b for a, b in zip(found, found[1:], strict=False) if len(a + b) <= MAX_TERM}
    return set(found), phrases
