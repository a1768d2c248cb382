#!/usr/bin/env python3
"""Write the MIME test corpus (tests/corpus/*.eml): real-shaped messages in
the charsets and shapes that mail clients get wrong.  The files are kept in
git; this script only documents how they were made (run it from anywhere to
write them again).  The 20 MB attachment is not here: tests make it at run
time (test_mime.c, tests/ui/t-mime.sh)."""
import base64
import os
import quopri

HERE = os.path.dirname(os.path.abspath(__file__))


def sjis_to_jis(b):
    """CP932 double-byte code as JIS row/cell bytes (what CP50221 sends)."""
    s1, s2 = b[0], b[1]
    s1 -= 0xC1 if s1 >= 0xE0 else 0x81
    j1 = s1 * 2 + 0x21
    if s2 >= 0x9F:
        return bytes([j1 + 1, s2 - 0x7E])
    return bytes([j1, s2 - (0x20 if s2 >= 0x80 else 0x1F)])


def jis_cp932(text):
    """Text as ISO-2022-JP the way Outlook writes it (CP50221)."""
    out, mode = b"", "ascii"
    for ch in text:
        raw = ch.encode("cp932")
        if len(raw) == 1 and raw[0] < 0x80:
            if mode != "ascii":
                out += b"\x1b(B"
                mode = "ascii"
            out += raw
        elif len(raw) == 1:
            if mode != "kana":
                out += b"\x1b(I"
                mode = "kana"
            out += bytes([raw[0] - 0x80])
        else:
            if mode != "kanji":
                out += b"\x1b$B"
                mode = "kanji"
            out += sjis_to_jis(raw)
    if mode != "ascii":
        out += b"\x1b(B"
    return out


def b2047(raw, cs):
    return "=?%s?B?%s?=" % (cs, base64.b64encode(raw).decode())


def msg(name, headers, body):
    data = "\r\n".join(headers).encode() + b"\r\n\r\n" + body
    with open(os.path.join(HERE, name + ".eml"), "wb") as f:
        f.write(data)


def top(subject, extra=()):
    return ["From: Sender Example <sender@example.org>",
            "To: Alice <alice@localhost>",
            "Date: Tue, 14 Nov 2023 22:13:20 +0000",
            "Subject: " + subject,
            "Message-ID: <%s@corpus.starling.test>" % abs(hash(subject)),
            "MIME-Version: 1.0"] + list(extra)


def text_part(cs, cte, body):
    return ("Content-Type: text/plain; charset=%s\r\n"
            "Content-Transfer-Encoding: %s\r\n\r\n" % (cs, cte)).encode() + body


def multipart(boundary, parts, close=True):
    out = b"This is a multi-part message in MIME format.\r\n"
    for p in parts:
        out += b"--" + boundary.encode() + b"\r\n" + p + b"\r\n"
    if close:
        out += b"--" + boundary.encode() + b"--\r\n"
    return out


HTML = ("<html><head><title>t</title><style>p {color: red}</style>"
        "<script>alert('x')</script></head><body>"
        "<h1>Quarterly &amp; yearly</h1>"
        "<p>Read the <a href=\"https://example.org/report\">report</a>"
        " before&nbsp;Friday.</p><ul><li>one</li><li>two</li></ul>"
        "<p>Caf&eacute; &#x65E5;&#26412;</p></body></html>")

# 1. multipart/alternative: the plain part wins
msg("alternative", top("Alternative parts", [
    'Content-Type: multipart/alternative; boundary="alt-1"']),
    multipart("alt-1", [
        text_part("utf-8", "quoted-printable",
                  quopri.encodestring("Plain text wins.\nSecond line =\n".encode())),
        ("Content-Type: text/html; charset=utf-8\r\n\r\n" + HTML).encode()]))

# 2. HTML only (and an empty plain part that loses to it)
msg("html-only", top("HTML with an empty plain part", [
    'Content-Type: multipart/alternative; boundary="alt-2"']),
    multipart("alt-2", [
        text_part("us-ascii", "7bit", b"\r\n"),
        ("Content-Type: text/html; charset=utf-8\r\n"
         "Content-Transfer-Encoding: base64\r\n\r\n").encode() +
        base64.encodebytes(HTML.encode()).replace(b"\n", b"\r\n")]))

# 3. nested forwards: a message inside a message inside the message
inner2 = ("\r\n".join(["From: Carol <carol@example.net>",
                       "Subject: =?UTF-8?Q?Innermost_caf=C3=A9?=",
                       "Date: Mon, 13 Nov 2023 08:00:00 +0000",
                       "Content-Type: text/plain; charset=utf-8", "",
                       "The innermost text."])).encode()
inner1 = ("\r\n".join(["From: Bob <bob@example.com>",
                       "To: Alice <alice@localhost>",
                       "Subject: Fwd: Innermost",
                       "Date: Mon, 13 Nov 2023 09:00:00 +0000",
                       "MIME-Version: 1.0",
                       'Content-Type: multipart/mixed; boundary="in-1"', "",
                       ""])).encode() + multipart("in-1", [
    text_part("utf-8", "8bit", "Bob forwards this.".encode()),
    b"Content-Type: message/rfc822\r\n\r\n" + inner2])
msg("forward-nested", top("Fwd: Fwd: nested", [
    'Content-Type: multipart/mixed; boundary="out-1"']),
    multipart("out-1", [
        text_part("utf-8", "8bit", "See the forwarded message below.".encode()),
        b"Content-Type: message/rfc822\r\n"
        b"Content-Disposition: inline\r\n\r\n" + inner1]))

# 4. ISO-2022-JP subject and body, as the standard says
jp = "日本語のメールです。\r\n二行目。\r\n"
msg("iso2022jp", top(b2047("日本語の件名".encode("iso2022_jp"), "ISO-2022-JP"), [
    "Content-Type: text/plain; charset=ISO-2022-JP",
    "Content-Transfer-Encoding: 7bit"]), jp.encode("iso2022_jp"))

# 5. labelled ISO-2022-JP, written by Outlook (CP50221): NEC row 13,
#    NEC-selected IBM rows, half-width katakana
mis = "①②株式会社㈱の髙橋です。ｶﾀｶﾅ\r\n"
msg("iso2022jp-mislabel", top(b2047(jis_cp932("①会議の件㈱"), "ISO-2022-JP"), [
    "Content-Type: text/plain; charset=iso-2022-jp",
    "Content-Transfer-Encoding: 7bit"]), jis_cp932(mis))

# 6. labelled ISO-2022-JP with a JIS X 0212 character (ESC $ ( D)
msg("iso2022jp-0212", top("JIS X 0212", [
    "Content-Type: text/plain; charset=ISO-2022-JP",
    "Content-Transfer-Encoding: 7bit"]),
    "鷗外".encode("iso2022_jp_2") + b"\r\n")

# 7. labelled Shift_JIS, with CP932 characters, base64
sj = "①㈱～髙橋　ﾃｽﾄ\r\n"
msg("sjis-cp932", top(b2047("～お知らせ①".encode("cp932"), "Shift_JIS"), [
    "Content-Type: text/plain; charset=Shift_JIS",
    "Content-Transfer-Encoding: base64"]),
    base64.encodebytes(sj.encode("cp932")).replace(b"\n", b"\r\n"))

# 8. EUC-JP with a NEC row 13 character (EUC-JP-MS)
msg("eucjp", top(b2047("EUC-JPの件名".encode("euc_jp"), "EUC-JP"), [
    "Content-Type: text/plain; charset=euc-jp",
    "Content-Transfer-Encoding: 8bit"]),
    "EUC-JPの本文です。".encode("euc_jp") + "①".encode("euc_jis_2004") + b"\r\n")

# 9. labelled GB2312, holding GBK characters
msg("gbk", top(b2047("中文邮件".encode("gb2312"), "gb2312"), [
    "Content-Type: text/plain; charset=gb2312",
    "Content-Transfer-Encoding: quoted-printable"]),
    quopri.encodestring("你好，世界。丂喆\n".encode("gbk")))

# 10. Big5 with an HKSCS character
msg("big5", top(b2047("繁體中文".encode("big5"), "big5"), [
    "Content-Type: text/plain; charset=big5",
    "Content-Transfer-Encoding: 8bit"]),
    "繁體中文郵件".encode("big5") + "㇀".encode("big5hkscs") + b"\r\n")

# 11. KOI8-R
msg("koi8r", top("=?koi8-r?Q?" + "".join("=%02X" % c for c in "Привет".encode("koi8_r")) + "?=", [
    "Content-Type: text/plain; charset=koi8-r",
    "Content-Transfer-Encoding: 8bit"]),
    "Привет, мир!\r\n".encode("koi8_r"))

# 12. windows-1251
msg("cp1251", top(b2047("Отчёт".encode("cp1251"), "windows-1251"), [
    "Content-Type: text/plain; charset=windows-1251",
    "Content-Transfer-Encoding: 8bit"]),
    "Здравствуйте! Отчёт готов.\r\n".encode("cp1251"))

# 13. malformed boundaries: no closing boundary, text after a wrong one
msg("malformed-boundary", top("Broken boundaries", [
    'Content-Type: multipart/mixed; boundary="XYZ"']),
    b"--XYZ\r\nContent-Type: text/plain\r\n\r\nFirst part.\r\n"
    b"--XYZ\r\nContent-Type: text/plain\r\n\r\nSecond part.\r\n"
    b"--WRONG\r\nText after a wrong boundary.\r\n")
msg("no-boundary", top("No boundary at all", [
    'Content-Type: multipart/mixed; boundary="NEVER"']),
    b"This multipart has no boundary line.\r\nStill shown.\r\n")

# 14. terminal control sequences in subject, body and a file name
msg("escape", top("Invoice \x1b]0;pwned\x07\x1b[2J\x1b[?1049l done", [
    'Content-Type: multipart/mixed; boundary="esc"']),
    multipart("esc", [
        text_part("utf-8", "8bit",
                  "Body \x1b[2Jcleared? \x1b[?1049lalt screen? "
                  "\x1b]52;c;cHduZWQ=\x07clip \u009b31mC1 "
                  "\u202egnp.exe\r\n".encode()),
        b"Content-Type: application/octet-stream; name=\"x\x1b[31mred.bin\"\r\n"
        b"Content-Disposition: attachment; filename=\"x\x1b[31mred.bin\"\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nAAEC\r\n"]))

# 15. RFC 2231 file names (Japanese), continuations, encoded words, paths
ja = "報告書 2023年.pdf".encode()
pct = "".join("%%%02X" % c for c in ja)
jis = "".join("%%%02X" % c for c in "資料.txt".encode("iso2022_jp"))
msg("rfc2231", top("RFC 2231 names", [
    'Content-Type: multipart/mixed; boundary="r2231"']),
    multipart("r2231", [
        text_part("us-ascii", "7bit", b"Four attachments."),
        ("Content-Type: application/pdf\r\n"
         "Content-Disposition: attachment;\r\n filename*=UTF-8''%s\r\n"
         "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n" % pct).encode(),
        ("Content-Type: text/plain; charset=iso-2022-jp\r\n"
         "Content-Disposition: attachment;\r\n filename*0*=iso-2022-jp'ja'%s;\r\n"
         " filename*1=\"\"\r\n\r\ndata\r\n" % jis).encode(),
        ("Content-Type: application/octet-stream;\r\n name*0*=UTF-8''%s;\r\n"
         " name*1*=%s;\r\n name*2=\".zip\"\r\n"
         "Content-Transfer-Encoding: base64\r\n\r\nUEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==\r\n"
         % ("".join("%%%02X" % c for c in "長い名前の".encode()),
            "".join("%%%02X" % c for c in "ファイル".encode()))).encode(),
        ("Content-Type: application/octet-stream; name=\"%s\"\r\n"
         "Content-Disposition: attachment; filename=\"../../etc/%s\"\r\n"
         "Content-Transfer-Encoding: base64\r\n\r\naGk=\r\n" % (
             b2047("見積.xlsx".encode(), "UTF-8"),
             b2047("パスワード.txt".encode("iso2022_jp"), "ISO-2022-JP"))).encode()]))

# 16. no charset, 8-bit text: read as UTF-8, else windows-1252
msg("unknown-8bit", top("=?unknown-8bit?Q?caf=E9?=", [
    "Content-Type: text/plain",
    "Content-Transfer-Encoding: 8bit"]),
    b"Caf\xe9 cr\xe8me \x93quoted\x94 \x80 5\r\n")
