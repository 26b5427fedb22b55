"""Korean particles chosen by the word before them (받침): 제목을, 닉네임을, 이메일을 but
주소를, 비밀번호를. Messages built from a field's label read as written by hand."""

PAIRS = {"을": ("을", "를"), "이": ("이", "가"), "은": ("은", "는"), "과": ("과", "와"), "으로": ("으로", "로")}


def has_final_consonant(word):
    """Whether the word ends in a 받침 (ㄹ counts, which 으로 handles apart). A word that does
    not end in a Hangul syllable (a digit, a Latin letter) is read as ending in one when it
    ends in a digit 0, 1, 3, 6, 7, 8 or a consonant-sounding letter, as Korean reads them."""
    word = word.rstrip(" )]}\"'")
    if not word:
        return False
    last = word[-1]
    if "가" <= last <= "힣":
        return (ord(last) - 0xAC00) % 28 != 0
    return last.lower() in "013678lmnr"


def particle(word, which):
    """The form of the particle `which` ("을", "이", "은", "과", "으로") after `word`."""
    with_final, without_final = PAIRS[which]
    if which == "으로" and word and "가" <= word[-1] <= "힣" and (ord(word[-1]) - 0xAC00) % 28 == 8:
        return "로"  # ㄹ 받침: 메일로
    return with_final if has_final_consonant(word) else without_final


def josa(word, which):
    """ "제목" + "을" → "제목을"; "주소" + "을" → "주소를"."""
    return word + particle(word, which)
