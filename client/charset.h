/* charset.h: text in any charset a mail may be labelled with, made UTF-8.
 *
 * Every conversion goes through iconv. A label is first normalised (case,
 * "_" and " " as "-", aliases such as x-sjis, shift-jis, cp-932,
 * ks_c_5601-1987) to a chain of decoders tried in order: the first that
 * decodes every byte wins; when none does, the one with the fewest bad
 * bytes is used. A bad byte becomes U+FFFD (never dropped silently), and
 * so does a NUL. The chains make up for the usual mislabels:
 *   ISO-2022-JP   ISO-2022-JP, then CP50221 (emulated: JIS X 0208 with
 *                 NEC row 13 and the NEC-selected IBM rows 89-92, half-
 *                 width katakana by ESC ( I or SO/SI, read through CP932;
 *                 glibc has no CP50221), then ISO-2022-JP-2 (JIS X 0212),
 *                 then ISO-2022-JP-3 (JIS X 0213)
 *   Shift_JIS     CP932 (①, ㈱, 0x8160 is U+FF5E), then Shift_JISX0213
 *   EUC-JP        EUC-JP, then EUC-JP-MS
 *   GB2312, GBK   GB18030
 *   Big5          Big5, then Big5-HKSCS
 *   EUC-KR        CP949
 *   ISO-8859-1    windows-1252, then ISO-8859-1 (as browsers do)
 *   US-ASCII, unknown-8bit, no label, a label iconv does not know:
 *                 UTF-8, then windows-1252.
 * The output never contains an ISO-2022 escape that a decoder let through
 * without counting it as bad.
 *
 * charset_canonical() gives the normalised name of a label (allocated),
 * or NULL for a label that names no charset known here.
 * charset_install() makes libetpan's own conversions (RFC 2047 words in
 * mailmime_encoded_phrase_parse) to UTF-8 use charset_to_utf8(); it is
 * called by the functions of mime.c before they use libetpan.
 *
 * Error contract: nothing here fails (allocation failure is fatal). */
#ifndef STARLING_CHARSET_H
#define STARLING_CHARSET_H

#include <stddef.h>

enum charset_flag {
	CHARSET_REPLACED	= 1 << 0,	/* bad bytes became U+FFFD */
	CHARSET_UNKNOWN		= 1 << 1,	/* label unknown: UTF-8/cp1252 */
	CHARSET_FALLBACK	= 1 << 2,	/* a later decoder of the chain */
};

struct charset_info {
	unsigned	 flags;		/* enum charset_flag bits */
	const char	*used;		/* the decoder that won, e.g. "CP932",
					   or NULL */
	size_t		 bad;		/* bytes that became U+FFFD */
};

char		*charset_to_utf8(const char *, const char *, size_t,
		    struct charset_info *);
char		*charset_canonical(const char *);
void		 charset_install(void);

#endif
