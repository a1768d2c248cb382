/* fuzz_guide.c: whatever a server says, in whatever order, the guide built
 * from its transcript (and laid out at any width) holds no secret and no
 * control character, and its layout never cuts a character in half. */
#include "build-config.h"

#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guide.h"
#include "guide_view.h"
#include "text.h"

#define SECRET "s3cret-Pa55"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int LLVMFuzzerInitialize(int *, char ***);

/* Widths as on a UTF-8 terminal: CJK characters are two columns. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setlocale(LC_ALL, "C.UTF-8");
	return 0;
}

/* Abort if s holds the secret, a control character or bad UTF-8. */
static void
check_text(const char *s)
{
	const unsigned char *p;
	int w;

	if (s == NULL)
		return;
	if (strstr(s, SECRET) != NULL)
		abort();
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			abort();
	for (p = (const unsigned char *)s; *p != '\0';
	    p += text_next((const char *)p, &w))
		if ((*p & 0xc0) == 0x80)
			abort();
}

/* Record the input as dialogue: each line's first byte says who said it,
 * in which phase, and whether the gate's secret mode is on. */
static struct transcript *
fuzz_transcript(const uint8_t *data, size_t size)
{
	struct transcript *t = transcript_new();
	const uint8_t *nl;
	size_t n;

	transcript_add_secret(t, SECRET);
	while (size > 0) {
		nl = memchr(data, '\n', size);
		n = nl ? (size_t)(nl - data) + 1 : size;
		transcript_set_phase(t, data[0] & 1 ? TR_TLS : TR_PLAIN);
		transcript_secret_mode(t, (data[0] & 6) == 6);
		if ((data[0] & 0x18) == 0x18)
			transcript_note(t, "%.*s", (int)(n - 1), data + 1);
		else
			transcript_record(t, data[0] & 2 ? TR_SENT :
			    TR_RECEIVED, data + 1, n - 1);
		if ((data[0] & 0x60) == 0x60)
			transcript_record(t, TR_SENT, "a LOGIN u " SECRET "\r\n",
			    strlen("a LOGIN u " SECRET "\r\n"));
		data += n;
		size -= n;
	}
	transcript_flush(t);
	return t;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct transcript *t;
	struct tls_info tls;
	struct guide_conn c;
	struct gv_row *rows;
	struct guide *g;
	size_t i, n;

	if (size < 2)
		return 0;
	t = fuzz_transcript(data + 2, size - 2);
	memset(&tls, 0, sizeof(tls));
	tls.attempted = data[0] & 1;
	memset(&c, 0, sizeof(c));
	c.service = (enum service)(data[0] >> 1 & 1 ? SERVICE_POP3 :
	    data[0] >> 2 & 1 ? SERVICE_SMTP : SERVICE_IMAP);
	c.transport = data[0] & 8 ? TRANSPORT_IMPLICIT : TRANSPORT_STARTTLS;
	c.host = "mail.example.com";
	c.port = 143;
	c.tls = &tls;
	c.tr = t;
	g = guide_new();
	guide_add_conn(g, &c);
	if (data[0] & 16)
		guide_set_auth_results(g, (const char *)transcript_line(t, 0) ?
		    transcript_line(t, 0)->text : NULL);
	guide_build(g);
	for (i = 0; i < guide_count(g); i++) {
		check_text(guide_block(g, i)->text);
		check_text(guide_block(g, i)->tag);
	}
	n = guide_view_layout(g, 20 + data[1] % 100, &rows);
	for (i = 0; i < n; i++) {
		check_text(rows[i].text);
		check_text(rows[i].tag);
	}
	guide_view_free(rows, n);
	guide_free(g);
	transcript_free(t);
	return 0;
}
