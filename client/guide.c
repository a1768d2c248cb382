/* guide.c: the guide's text, built as blocks from connections (their
 * transcripts and TLS facts), an example, and fixed explanations. */
#include "build-config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "guide.h"
#include "i18n.h"
#include "starttls.h"
#include "xmalloc.h"

#define GUIDE_LINE_MAX	400	/* longer dialogue lines are cut */
#define GUIDE_NONE	GS_COUNT

struct blocks {
	struct guide_block	*v;
	size_t			 n;
	size_t			 cap;
};

struct guide {
	struct blocks	 out;		/* the built guide */
	struct blocks	 conns;		/* the steps of each connection */
	struct blocks	 advice;	/* implicit TLS advice per service */
	size_t		 nconns;
	int		 message_open;	/* guide_set_auth_results() called */
	char		*auth_results;	/* sanitised, or NULL */
	int		 built;
};

static const char *const guide_step_names[GS_COUNT] = {
	"greeting", "capabilities", "starttls", "certificate", "encrypted",
	"authentication",
};

/* The heading and the explanation of each step (and, where it differs,
 * the explanation for implicit TLS). */
static const struct {
	const char	*title;
	const char	*text;
	const char	*implicit;
} guide_steps[GS_COUNT] = {
	[GS_GREETING] = { N_("1. The greeting"),
	    N_("The server's first line travels in the clear: anyone on the "
	    "path can read it, and an attacker can change it, for example "
	    "into PREAUTH (\"already logged in\") or BYE to skip encryption. "
	    "starling trusts nothing in it: PREAUTH, BYE or a garbled "
	    "greeting before TLS ends the connection."),
	    N_("The server's first line, already inside TLS: nobody on the "
	    "path can read or change it, because the certificate was checked "
	    "before it arrived.") },
	[GS_CAPABILITIES] = { N_("2. The capabilities"),
	    N_("What the server says it can do, still in the clear. An "
	    "attacker can delete STARTTLS from this list (\"STARTTLS "
	    "stripping\") or add a way to log in; starling sends STARTTLS "
	    "whether it is listed or not, and forgets this list once TLS is "
	    "up."),
	    N_("What the server says it can do, already encrypted: nobody on "
	    "the path can delete anything from it.") },
	[GS_STARTTLS] = { N_("3. STARTTLS"),
	    N_("starling asks to switch to TLS (STLS in POP3) and waits for "
	    "the server's yes. An attacker can answer no, or slip extra lines "
	    "in behind the yes to be read later as if they came through TLS; "
	    "starling logs in without TLS only with your explicit override, "
	    "ends the connection on any byte behind the reply, and reports a "
	    "missing STARTTLS as an attack when this server did TLS before.") },
	[GS_CERTIFICATE] = { N_("4. The certificate"),
	    N_("The TLS handshake: the server proves who it is with its "
	    "certificate, and both ends agree on keys nobody else knows. An "
	    "attacker in the middle can only show a certificate of their own: "
	    "starling checks the chain to a trusted authority, the name "
	    "against the configured host, and your pins, before anything else "
	    "is sent.") },
	[GS_ENCRYPTED] = { N_("5. The encrypted dialogue"),
	    N_("From here on every line is encrypted: nobody on the path can "
	    "read or change it. starling asks for the capabilities again, "
	    "because the list from before TLS may have been forged.") },
	[GS_AUTH] = { N_("6. Authentication"),
	    N_("Only now does your password leave, encrypted, through "
	    "starling's gate; the transcript shows it as [redacted]. An "
	    "attacker who stripped TLS would hope to read it here in the "
	    "clear: the gate refuses to send any credential before the "
	    "session is encrypted and verified.") },
};

/* The name of a step, stable (for tests). */
const char *
guide_step_name(enum guide_step s)
{
	return s < GS_COUNT ? guide_step_names[s] : NULL;
}

/* Append a block; the strings are copied (tag may be NULL). */
static void
blocks_push(struct blocks *b, enum guide_kind kind, const char *tag,
    const char *text, int level, int plain)
{
	struct guide_block *g;

	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->v = xreallocarray(b->v, b->cap, sizeof(*b->v));
	}
	g = &b->v[b->n++];
	g->kind = kind;
	g->tag = tag ? xstrdup(tag) : NULL;
	g->text = xstrdup(text ? text : "");
	g->level = level;
	g->plain = plain;
}

/* Move every block of src to the end of dst; src is left empty. */
static void
blocks_move(struct blocks *dst, struct blocks *src)
{
	if (dst->n + src->n > dst->cap) {
		dst->cap = dst->n + src->n;
		dst->v = xreallocarray(dst->v, dst->cap, sizeof(*dst->v));
	}
	if (src->n > 0)
		memcpy(dst->v + dst->n, src->v, src->n * sizeof(*src->v));
	dst->n += src->n;
	free(src->v);
	memset(src, 0, sizeof(*src));
}

/* Free the blocks. */
static void
blocks_clear(struct blocks *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		free(b->v[i].tag);
		free(b->v[i].text);
	}
	free(b->v);
	memset(b, 0, sizeof(*b));
}

/* A paragraph, a heading, ...: a block without a tag. */
static void
guide_put(struct blocks *b, enum guide_kind kind, const char *text)
{
	blocks_push(b, kind, NULL, text, -1, 0);
}

/* A new, empty guide. */
struct guide *
guide_new(void)
{
	return xcalloc(1, sizeof(struct guide));
}

/* Free a guide; accepts NULL. */
void
guide_free(struct guide *g)
{
	if (g == NULL)
		return;
	blocks_clear(&g->out);
	blocks_clear(&g->conns);
	blocks_clear(&g->advice);
	free(g->auth_results);
	free(g);
}

/* Is word n (0 or 1) of the line this word (any case)? */
static int
guide_word_is(const char *line, int n, const char *word)
{
	size_t len = strlen(word);
	const char *p = line;

	if (n == 1) {
		if ((p = strchr(line, ' ')) == NULL)
			return 0;
		p++;
	}
	return strncasecmp(p, word, len) == 0 &&
	    (p[len] == ' ' || p[len] == '\0');
}

/* Is the line (maybe after an IMAP tag) one of the verbs? */
static int
guide_verb_in(const char *line, const char *const *verbs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (guide_word_is(line, 0, verbs[i]) ||
		    guide_word_is(line, 1, verbs[i]))
			return 1;
	return 0;
}

/* STARTTLS, or POP3's STLS. */
static int
guide_is_starttls(const char *line)
{
	static const char *const v[] = { "STARTTLS", "STLS" };

	return guide_verb_in(line, v, sizeof(v) / sizeof(v[0]));
}

/* A command that carries a credential. */
static int
guide_is_credential(const char *line)
{
	static const char *const v[] = {
		"LOGIN", "AUTHENTICATE", "AUTH", "USER", "PASS", "APOP"
	};

	return guide_verb_in(line, v, sizeof(v) / sizeof(v[0]));
}

/* Note that line i belongs to a step. */
static void
found_add(struct guide_found *f, enum guide_step s, size_t i)
{
	if (s == GUIDE_NONE)
		return;
	if (f->shown[s] < GUIDE_STEP_LINES)
		f->idx[s][f->shown[s]++] = i;
	f->total[s]++;
}

/* Where the classifier is in the dialogue. */
struct guide_scan {
	int		 implicit;
	int		 tls_attempted;
	enum guide_step	 cur;
	int		 greeted;
	int		 stls_sent;
	int		 authed;
	int		 tls_talk;	/* a line was sent or received in TLS */
	int		 notes;		/* notes in the clear so far */
	const char	*last;		/* the last received greeting line */
};

/* The step of a note (starling's own explanation). */
static enum guide_step
guide_note_step(struct guide_scan *sc, const struct tr_line *l)
{
	if (l->phase == TR_TLS)
		return sc->tls_talk ? GUIDE_NONE : GS_CERTIFICATE;
	/* A handshake is attempted only after a positive reply. */
	if (sc->stls_sent)
		return sc->tls_attempted ? GS_CERTIFICATE : GS_STARTTLS;
	/* Implicit TLS: after "connected to ...", a failed handshake. */
	if (sc->implicit && sc->tls_attempted && !sc->greeted &&
	    sc->notes++ > 0)
		return GS_CERTIFICATE;
	return GUIDE_NONE;
}

/* Authentication lines, in either phase; GUIDE_NONE if not one. */
static enum guide_step
guide_auth_step(struct guide_scan *sc, const struct tr_line *l)
{
	if (l->dir == TR_SENT && (guide_is_credential(l->text) ||
	    (sc->cur == GS_AUTH && strcmp(l->text, "[redacted]") == 0))) {
		sc->authed = 1;
		return GS_AUTH;
	}
	if (l->dir == TR_RECEIVED && sc->cur == GS_AUTH)
		return GS_AUTH;
	return GUIDE_NONE;
}

/* The greeting: the first line received (and SMTP's "220-" lines). */
static int
guide_greeting(struct guide_scan *sc, const struct tr_line *l)
{
	if (l->dir != TR_RECEIVED)
		return 0;
	if (!sc->greeted || (sc->cur == GS_GREETING && sc->last != NULL &&
	    strlen(sc->last) > 3 && sc->last[3] == '-')) {
		sc->greeted = 1;
		sc->last = l->text;
		return 1;
	}
	return 0;
}

/* The step of a line sent or received in the clear. */
static enum guide_step
guide_plain_step(struct guide_scan *sc, const struct tr_line *l)
{
	enum guide_step s;

	if (l->dir == TR_SENT && guide_is_starttls(l->text)) {
		sc->stls_sent = 1;
		return GS_STARTTLS;
	}
	if (sc->cur == GS_STARTTLS && l->dir == TR_RECEIVED)
		return GS_STARTTLS;
	if ((s = guide_auth_step(sc, l)) != GUIDE_NONE)
		return s;
	if (!sc->stls_sent && sc->greeted)
		return GS_CAPABILITIES;
	return GUIDE_NONE;
}

/* The step of a line sent or received inside TLS. */
static enum guide_step
guide_tls_step(struct guide_scan *sc, const struct tr_line *l)
{
	enum guide_step s;

	sc->tls_talk = 1;
	if ((s = guide_auth_step(sc, l)) != GUIDE_NONE)
		return s;
	if (sc->authed)
		return GUIDE_NONE;
	return sc->implicit ? GS_CAPABILITIES : GS_ENCRYPTED;
}

/* The step of one line of the dialogue. */
static enum guide_step
guide_line_step(struct guide_scan *sc, const struct tr_line *l)
{
	if (l->dir == TR_NOTE)
		return guide_note_step(sc, l);
	if (guide_greeting(sc, l))
		return GS_GREETING;
	return l->phase == TR_PLAIN ? guide_plain_step(sc, l) :
	    guide_tls_step(sc, l);
}

/* Find the steps of a connection in its transcript. */
void
guide_find_steps(const struct transcript *tr, enum transport tp,
    const struct tls_info *tls, struct guide_found *f)
{
	struct guide_scan sc;
	const struct tr_line *l;
	enum guide_step s;
	size_t i;

	memset(f, 0, sizeof(*f));
	memset(&sc, 0, sizeof(sc));
	sc.implicit = tp == TRANSPORT_IMPLICIT;
	sc.tls_attempted = tls != NULL && tls->attempted;
	sc.cur = GUIDE_NONE;
	for (i = 0; tr != NULL && (l = transcript_line(tr, i)) != NULL; i++) {
		s = guide_line_step(&sc, l);
		found_add(f, s, i);
		if (l->dir != TR_NOTE)
			sc.cur = s;
	}
	/* An IMAP greeting may carry the capabilities itself. */
	if (f->total[GS_CAPABILITIES] == 0 && f->total[GS_GREETING] > 0 &&
	    strstr(transcript_line(tr, f->idx[GS_GREETING][0])->text,
	    "CAPABILITY") != NULL)
		found_add(f, GS_CAPABILITIES, f->idx[GS_GREETING][0]);
}

/* The tag of a dialogue line: protocol notation, the same in every
 * language (as in the transcript screen). */
static const char *
guide_tag(const struct tr_line *l)
{
	if (l->dir == TR_NOTE)
		return "**";
	if (l->phase == TR_PLAIN)
		return l->dir == TR_SENT ? "[plain] C:" : "[plain] S:";
	return l->dir == TR_SENT ? "[tls] C:" : "[tls] S:";
}

/* One dialogue line as a block: sanitised again, long ones cut. */
static void
guide_wire(struct blocks *b, const struct tr_line *l)
{
	size_t len = strlen(l->text);
	char *clean, *cut;

	if (len > GUIDE_LINE_MAX) {
		len = GUIDE_LINE_MAX;
		while (len > 0 && ((unsigned char)l->text[len] & 0xc0) == 0x80)
			len--;
	}
	clean = transcript_sanitize(l->text, len);
	cut = len < strlen(l->text) ? xasprintf("%s [...]", clean) : NULL;
	blocks_push(b, GB_WIRE, guide_tag(l), cut ? cut : clean, -1,
	    l->phase == TR_PLAIN && l->dir != TR_NOTE);
	free(cut);
	free(clean);
}

/* "Your last IMAP connection (account work): localhost:143, starttls,
 * [TLS] verified". */
static void
guide_conn_heading(struct blocks *b, const struct guide_conn *c)
{
	char *s;

	if (c->account != NULL)
		/* TRANSLATORS: IMAP, account, host, port, starttls or
		 * implicit, lock tag such as TLS, level such as verified. */
		s = xasprintf(_("Your last %s connection (account %s): %s:%u, "
		    "%s, [%s] %s"), service_label(c->service), c->account,
		    c->host, c->port, transport_name(c->transport),
		    level_tag(c->level), level_name(c->level));
	else
		s = xasprintf(_("Your last %s connection: %s:%u, %s, [%s] %s"),
		    service_label(c->service), c->host, c->port,
		    transport_name(c->transport), level_tag(c->level),
		    level_name(c->level));
	guide_put(b, GB_TITLE, s);
	free(s);
	if (c->transport == TRANSPORT_IMPLICIT)
		guide_put(b, GB_TEXT, _("This connection uses implicit TLS: "
		    "the handshake of step 4 came first, before the greeting, "
		    "so every step after it was already encrypted."));
}

/* The facts of the handshake that the transcript does not spell out. */
static void
guide_cert_facts(struct blocks *b, const struct tls_info *tls)
{
	const struct tls_cert *c;
	char *s;
	size_t i;

	if (tls == NULL)
		return;
	if (tls->nchain > 0) {
		c = &tls->chain[0];
		s = xasprintf(_("issued by %s, valid until %s"), c->issuer,
		    c->not_after);
		blocks_push(b, GB_WIRE, "**", s, -1, 0);
		free(s);
		s = xasprintf("sha256 %s", c->sha256);
		blocks_push(b, GB_WIRE, "**", s, -1, 0);
		free(s);
	}
	for (i = 0; !tls->done && i < tls->nerrors; i++)
		blocks_push(b, GB_WIRE, "**", tls->errors[i], -1, 0);
}

/* The lines found for a step, and how many more there were. */
static void
guide_step_lines(struct blocks *b, const struct guide_conn *c,
    const struct guide_found *f, enum guide_step s)
{
	size_t i, more = f->total[s] - f->shown[s];
	char *m;

	for (i = 0; i < f->shown[s]; i++)
		guide_wire(b, transcript_line(c->tr, f->idx[s][i]));
	if (more > 0) {
		m = xasprintf(ngettext("[... %zu more line]",
		    "[... %zu more lines]", more), more);
		blocks_push(b, GB_WIRE, "", m, -1, 0);
		free(m);
	}
	if (s == GS_CERTIFICATE)
		guide_cert_facts(b, c->tls);
}

/* Did any line of the step travel in the clear? */
static int
guide_step_plain(const struct guide_conn *c, const struct guide_found *f,
    enum guide_step s)
{
	size_t i;
	const struct tr_line *l;

	for (i = 0; i < f->shown[s]; i++) {
		l = transcript_line(c->tr, f->idx[s][i]);
		if (l->phase == TR_PLAIN && l->dir == TR_SENT)
			return 1;
	}
	return 0;
}

/* A step that implicit TLS makes unnecessary (STARTTLS, the separate
 * encrypted dialogue); 1 if it was explained that way. */
static int
guide_step_implicit(struct blocks *b, const struct guide_conn *c,
    const struct guide_found *f, enum guide_step s)
{
	char *t;

	if (c->transport != TRANSPORT_IMPLICIT)
		return 0;
	if (s == GS_STARTTLS) {
		t = xasprintf(_("Not needed: this connection uses implicit TLS "
		    "(port %u). TLS starts with the first byte, so there is "
		    "nothing in the clear to strip."), c->port);
		guide_put(b, GB_TEXT, t);
		free(t);
		return 1;
	}
	if (s == GS_ENCRYPTED && f->total[GS_GREETING] > 0) {
		guide_put(b, GB_TEXT, _("With implicit TLS the whole dialogue "
		    "above, from the greeting on, was encrypted."));
		return 1;
	}
	return 0;
}

/* One step of a connection: its lines (or "not seen"), what it means. */
static void
guide_conn_step(struct blocks *b, const struct guide_conn *c,
    const struct guide_found *f, enum guide_step s)
{
	int seen = f->total[s] > 0 || (s == GS_CERTIFICATE && c->tls != NULL &&
	    c->tls->attempted);

	guide_put(b, GB_BLANK, "");
	guide_put(b, GB_STEP, _(guide_steps[s].title));
	if (guide_step_implicit(b, c, f, s))
		return;
	if (seen)
		guide_step_lines(b, c, f, s);
	else
		guide_put(b, GB_MISSING, _("Not seen in this connection."));
	guide_put(b, GB_TEXT, c->transport == TRANSPORT_IMPLICIT &&
	    guide_steps[s].implicit != NULL ? _(guide_steps[s].implicit) :
	    _(guide_steps[s].text));
	if (s == GS_AUTH && guide_step_plain(c, f, s))
		guide_put(b, GB_TEXT, _("Here the login travelled in the clear, "
		    "because you allowed it for this account: anyone on the "
		    "path could read it."));
}

/* Remember to suggest implicit TLS for a STARTTLS connection. */
static void
guide_advise(struct guide *g, const struct guide_conn *c)
{
	char *scheme, *s;

	if (c->transport != TRANSPORT_STARTTLS)
		return;
	/* The implicit TLS scheme: imaps, pop3s, smtps. */
	scheme = xasprintf("%ss", service_name(c->service));
	/* TRANSLATORS: IMAP, host, port, then a URL such as
	 * imaps://host and its port (993). */
	s = xasprintf(_("%s on %s uses STARTTLS (port %u): if the provider "
	    "offers it, %s://%s (port %u) removes the plaintext phase."),
	    service_label(c->service), c->host, c->port, scheme, c->host,
	    url_default_port(c->service, TRANSPORT_IMPLICIT));
	blocks_push(&g->advice, GB_ITEM, "-", s, -1, 0);
	free(s);
	free(scheme);
}

/* Explain one connection with its own lines. */
static void
guide_conn_blocks(struct blocks *b, const struct guide_conn *c)
{
	struct guide_found f;
	enum guide_step s;
	char *e;

	guide_find_steps(c->tr, c->transport, c->tls, &f);
	for (s = 0; s < GS_COUNT; s++)
		guide_conn_step(b, c, &f, s);
	if (c->error != NULL) {
		guide_put(b, GB_BLANK, "");
		guide_put(b, GB_STEP, _("What stopped this connection"));
		e = transcript_sanitize(c->error, strlen(c->error));
		guide_put(b, GB_TEXT, e);
		free(e);
	}
}

/* Add a connection: its steps are written now. */
void
guide_add_conn(struct guide *g, const struct guide_conn *c)
{
	if (c->tr == NULL || transcript_count(c->tr) == 0)
		return;
	if (g->nconns > 0)
		guide_put(&g->conns, GB_BLANK, "");
	guide_conn_heading(&g->conns, c);
	guide_conn_blocks(&g->conns, c);
	guide_advise(g, c);
	g->nconns++;
}

/* The Authentication-Results header of the open message (its raw value;
 * NULL when the message has none). Whitespace and folding become single
 * spaces; the rest is sanitised. */
void
guide_set_auth_results(struct guide *g, const char *raw)
{
	char *flat, *o;
	const char *p;

	free(g->auth_results);
	g->auth_results = NULL;
	g->message_open = 1;
	if (raw == NULL)
		return;
	flat = o = xmalloc(strlen(raw) + 1);
	for (p = raw; *p != '\0'; p++) {
		if (strchr(" \t\r\n", *p) != NULL) {
			if (o > flat && o[-1] != ' ')
				*o++ = ' ';
			continue;
		}
		*o++ = *p;
	}
	while (o > flat && o[-1] == ' ')
		o--;
	*o = '\0';
	if (*flat != '\0')
		g->auth_results = transcript_sanitize(flat, strlen(flat));
	free(flat);
}

/* Record a line of the example dialogue. */
static void
example_line(struct transcript *t, enum tr_dir dir, const char *s)
{
	transcript_record(t, dir, s, strlen(s));
	transcript_record(t, dir, "\r\n", 2);
}

/* The example: IMAP with STARTTLS at mail.example.com, as a transcript
 * recorded the same way as a real one (the password is redacted by it). */
static struct transcript *
example_transcript(void)
{
	struct transcript *t = transcript_new();

	example_line(t, TR_RECEIVED, "* OK mail.example.com IMAP server ready");
	example_line(t, TR_SENT, "1 CAPABILITY");
	example_line(t, TR_RECEIVED,
	    "* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED");
	example_line(t, TR_RECEIVED, "1 OK CAPABILITY completed");
	example_line(t, TR_SENT, STARTTLS_IMAP_TAG " STARTTLS");
	example_line(t, TR_RECEIVED, STARTTLS_IMAP_TAG " OK Begin TLS now");
	transcript_set_phase(t, TR_TLS);
	transcript_note(t, _("%s handshake done (%s, %s): from here on "
	    "the dialogue is encrypted"), "TLS1.3", "TLS_AES_256_GCM_SHA384",
	    "X25519");
	transcript_note(t, _("certificate: %s (%s)"), "CN=mail.example.com",
	    level_describe(LEVEL_VERIFIED));
	example_line(t, TR_SENT, "2 CAPABILITY");
	example_line(t, TR_RECEIVED, "* CAPABILITY IMAP4rev1 AUTH=PLAIN");
	example_line(t, TR_RECEIVED, "2 OK CAPABILITY completed");
	example_line(t, TR_SENT, "3 LOGIN alice example-password");
	example_line(t, TR_RECEIVED, "3 OK LOGIN completed");
	return t;
}

/* No connection to show: the example, clearly marked. */
static void
guide_example(struct blocks *b)
{
	struct transcript *t = example_transcript();
	struct guide_conn c;

	memset(&c, 0, sizeof(c));
	c.service = SERVICE_IMAP;
	c.transport = TRANSPORT_STARTTLS;
	c.host = "mail.example.com";
	c.port = 143;
	c.level = LEVEL_VERIFIED;
	c.tr = t;
	guide_put(b, GB_TITLE, _("The steps of STARTTLS, with an example"));
	guide_put(b, GB_EXAMPLE, _("EXAMPLE, not your connection: there is "
	    "no connection of yours to show yet. This is how an IMAP server "
	    "at mail.example.com, port 143, would answer. Connect an account "
	    "(or run: starling guide ACCOUNT) to see your own."));
	guide_conn_blocks(b, &c);
	transcript_free(t);
}

/* The opening paragraph and the legend of the dialogue lines. */
static void
guide_intro(struct blocks *b)
{
	guide_put(b, GB_TITLE, _("How starling protects your mail"));
	guide_put(b, GB_TEXT, _("This guide follows one connection step by "
	    "step, then explains the lock tags, how STARTTLS can be attacked "
	    "and how starling stops it, implicit TLS, and what SPF, DKIM and "
	    "DMARC add."));
	guide_put(b, GB_TEXT, _("In the dialogue lines, [plain] travelled in "
	    "the clear and [tls] encrypted; C: is starling, S: the server, "
	    "** a note by starling. Secrets were replaced by [redacted] when "
	    "they were recorded."));
}

/* What to do about each level. */
static const char *
guide_level_advice(enum level l)
{
	switch (l) {
	case LEVEL_VERIFIED:
		return _("Nothing to do: this is how it should be.");
	case LEVEL_PINNED:
		return _("Fine if you compared the key with your provider "
		    "before pinning it. A changed key is an alarm: do not "
		    "accept it until you know why it changed.");
	case LEVEL_UNVERIFIED:
		return _("Someone in the middle could be the other end. Press "
		    "i to see why the certificate failed; pin it only after "
		    "comparing its fingerprint with your provider's through "
		    "another channel.");
	case LEVEL_PLAINTEXT:
		return _("A password would travel in the clear as well. Use "
		    "an imaps://, pop3s:// or smtps:// URL, or a provider that "
		    "offers TLS; keep the override for test servers.");
	case LEVEL_NONE:
		break;
	}
	return _("Press c to connect.");
}

/* The lock tags and what to do about each. */
static void
guide_levels(struct blocks *b)
{
	static const enum level order[] = { LEVEL_VERIFIED, LEVEL_PINNED,
	    LEVEL_UNVERIFIED, LEVEL_PLAINTEXT, LEVEL_NONE };
	char tag[16], *s;
	size_t i;

	guide_put(b, GB_TITLE, _("What the lock tags mean"));
	guide_put(b, GB_TEXT, _("Every account and service shows a tag; the "
	    "text is what counts, colour is only extra. The word beside it "
	    "says how TLS began: starttls (upgraded from a plain connection) "
	    "or implicit (TLS from the first byte)."));
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		snprintf(tag, sizeof(tag), "[%s]", level_tag(order[i]));
		/* TRANSLATORS: level name (verified), what it means, what
		 * to do about it. */
		s = xasprintf(_("%s: %s. %s"), level_name(order[i]),
		    level_describe(order[i]), guide_level_advice(order[i]));
		blocks_push(b, GB_ITEM, tag, s, (int)order[i], 0);
		free(s);
	}
}

/* Why STARTTLS can be stripped, and the five defences. */
static void
guide_stripping(struct blocks *b)
{
	static const char *const defences[] = {
		N_("Always STARTTLS: starling sends it even when the server "
		    "does not list it, so deleting it from the list changes "
		    "nothing."),
		N_("No credential before verified TLS: the gate sends no "
		    "password and no private command until the session is "
		    "encrypted and the certificate verified; without TLS only "
		    "your explicit override lets a login through."),
		N_("Capabilities from before TLS are discarded and asked for "
		    "again inside TLS, so a forged list cannot steer the "
		    "login."),
		N_("Injection check: bytes that arrive right behind the reply "
		    "to STARTTLS, planted to be read as if they came through "
		    "TLS, end the connection."),
		N_("Downgrade memory: starling remembers every server that did "
		    "TLS (the tls-seen file); if one later offers no STARTTLS, "
		    "it refuses and says that a network attacker may be "
		    "stripping it."),
	};
	size_t i;

	guide_put(b, GB_TITLE, _("Why STARTTLS can be stripped, and how "
	    "starling stops it"));
	guide_put(b, GB_TEXT, _("STARTTLS begins in the clear, and the "
	    "server's offer to encrypt is itself a plaintext line. An "
	    "attacker on the path (a hostile Wi-Fi, a compromised router) can "
	    "delete the offer or answer STARTTLS with an error; a client that "
	    "then logs in anyway hands over the password in the clear. "
	    "starling stops this in five ways:"));
	for (i = 0; i < sizeof(defences) / sizeof(defences[0]); i++)
		blocks_push(b, GB_ITEM, "-", _(defences[i]), -1, 0);
}

/* Implicit TLS against STARTTLS, with advice for the user's services. */
static void
guide_implicit(struct blocks *b, struct blocks *advice)
{
	guide_put(b, GB_TITLE, _("Implicit TLS or STARTTLS"));
	guide_put(b, GB_TEXT, _("With implicit TLS (imaps:// on port 993, "
	    "pop3s:// on 995, smtps:// on 465) the connection is encrypted "
	    "from the first byte: there is no plaintext phase to attack. RFC "
	    "8314 therefore asks mail clients to prefer implicit TLS. Use "
	    "STARTTLS only when the server offers nothing else; starling then "
	    "secures it as described above."));
	blocks_move(b, advice);
}

/* SPF, DKIM and DMARC, with the open message's results if any. */
static void
guide_auth(struct blocks *b, const struct guide *g)
{
	guide_put(b, GB_TITLE, _("What SPF, DKIM and DMARC add"));
	guide_put(b, GB_TEXT, _("TLS protects mail on its way between you and "
	    "your provider; it says nothing about who wrote a message. The "
	    "receiving server checks that:"));
	blocks_push(b, GB_ITEM, "SPF", _("the server that delivered the "
	    "message is allowed to send for the sender's domain (the envelope "
	    "sender, not the From: you see)."), -1, 0);
	blocks_push(b, GB_ITEM, "DKIM", _("a signature of the sending domain "
	    "covers the headers and the body, so a message changed on the way "
	    "fails."), -1, 0);
	blocks_push(b, GB_ITEM, "DMARC", _("the domain in From: matches a "
	    "domain that passed SPF or DKIM, and that domain's policy says "
	    "what to do when it does not."), -1, 0);
	guide_put(b, GB_TEXT, _("Your provider writes the results into the "
	    "Authentication-Results header. Only the topmost one, added by "
	    "your own provider, can be trusted: lower ones may have been "
	    "written by the sender."));
	if (!g->message_open)
		guide_put(b, GB_TEXT, _("Open a message and press G there to "
		    "see its Authentication-Results here."));
	else if (g->auth_results == NULL)
		guide_put(b, GB_MISSING, _("The open message has no "
		    "Authentication-Results header: its checks were not "
		    "recorded."));
	else {
		guide_put(b, GB_STEP, _("Authentication-Results of the open "
		    "message:"));
		blocks_push(b, GB_WIRE, "", g->auth_results, -1, 0);
	}
}

/* Assemble the guide (once; later calls do nothing). */
void
guide_build(struct guide *g)
{
	if (g->built)
		return;
	g->built = 1;
	guide_intro(&g->out);
	guide_put(&g->out, GB_BLANK, "");
	if (g->nconns > 0)
		blocks_move(&g->out, &g->conns);
	else
		guide_example(&g->out);
	guide_put(&g->out, GB_BLANK, "");
	guide_levels(&g->out);
	guide_put(&g->out, GB_BLANK, "");
	guide_stripping(&g->out);
	guide_put(&g->out, GB_BLANK, "");
	guide_implicit(&g->out, &g->advice);
	guide_put(&g->out, GB_BLANK, "");
	guide_auth(&g->out, g);
}

/* How many blocks the built guide has. */
size_t
guide_count(const struct guide *g)
{
	return g->out.n;
}

/* Block i, or NULL past the end. */
const struct guide_block *
guide_block(const struct guide *g, size_t i)
{
	return i < g->out.n ? &g->out.v[i] : NULL;
}
