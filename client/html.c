/* html.c: HTML parts as text: the built-in converter (libxml2) and the
 * user's dumper, run in a sandbox without a shell or the network. */
#include "build-config.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <seccomp.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "argv.h"
#include "charset.h"
#include "html.h"
#include "i18n.h"
#include "strbuf.h"
#include "xmalloc.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

#define HTML_MAX_LINKS	500

/* ------------------------------------------------------ built-in text */

/* The state of one conversion. */
struct html_walk {
	struct strbuf	 out;
	int		 space;		/* a space is pending */
	int		 breaks;	/* newlines owed before more text */
	int		 pre;		/* inside <pre> */
	char		*links[HTML_MAX_LINKS];
	size_t		 nlinks;
};

/* Elements whose content is never shown. */
static int
html_skipped(const char *name)
{
	static const char *const skip[] = {
		"script", "style", "head", "title", "template", "noscript",
		"iframe", "object", "svg", "math", "select",
	};
	size_t i;

	for (i = 0; i < nitems(skip); i++)
		if (strcasecmp(name, skip[i]) == 0)
			return 1;
	return 0;
}

/* The newlines an element stands for before and after it: 2 for a
 * paragraph, 1 for a line, 0 for inline elements. */
static int
html_block(const char *name)
{
	static const char *const para[] = {
		"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl",
		"table", "blockquote", "pre", "hr", "address", "figure",
	};
	static const char *const line[] = {
		"div", "tr", "li", "dt", "dd", "section", "article", "header",
		"footer", "nav", "aside", "main", "form", "fieldset",
		"caption", "center", "tbody", "thead", "tfoot", "details",
		"summary", "figcaption",
	};
	size_t i;

	for (i = 0; i < nitems(para); i++)
		if (strcasecmp(name, para[i]) == 0)
			return 2;
	for (i = 0; i < nitems(line); i++)
		if (strcasecmp(name, line[i]) == 0)
			return 1;
	return 0;
}

/* Owe at least n newlines (none at the very start). */
static void
html_break(struct html_walk *w, int n)
{
	if (n == 0)
		return;
	if (w->out.len > 0 && w->breaks < n)
		w->breaks = n;
	w->space = 0;
}

/* Pay the owed newlines and the pending space before more text. */
static void
html_settle(struct html_walk *w)
{
	for (; w->breaks > 0; w->breaks--)
		strbuf_addc(&w->out, '\n');
	if (w->space && w->out.len > 0 && w->out.s[w->out.len - 1] != '\n')
		strbuf_addc(&w->out, ' ');
	w->space = 0;
}

/* Text: white space collapsed (outside <pre>); NBSP as a space. */
static void
html_text(struct html_walk *w, const char *s)
{
	for (; *s != '\0'; s++) {
		if (w->pre) {
			if (*s == '\n') {
				w->breaks++;
				continue;
			}
			html_settle(w);
			if (*s != '\r')
				strbuf_addc(&w->out, *s);
			continue;
		}
		if (strchr(" \t\r\n\f", *s) != NULL) {
			w->space = 1;
			continue;
		}
		html_settle(w);
		if ((unsigned char)s[0] == 0xc2 && (unsigned char)s[1] == 0xa0) {
			strbuf_addc(&w->out, ' ');
			s++;
		} else
			strbuf_addc(&w->out, *s);
	}
}

/* An attribute's value, or NULL (free with xmlFree). */
static char *
html_attr(xmlNode *n, const char *name)
{
	return (char *)xmlGetProp(n, (const xmlChar *)name);
}

/* A link worth listing: not a fragment, not a script. */
static int
html_link_ok(const char *href)
{
	href += strspn(href, " \t\r\n");
	return href[0] != '\0' && href[0] != '#' &&
	    strncasecmp(href, "javascript:", 11) != 0;
}

/* After a link's text: its number, the target listed once. */
static void
html_link_end(struct html_walk *w, xmlNode *n)
{
	char *href = html_attr(n, "href");
	size_t i;

	if (href == NULL || !html_link_ok(href)) {
		xmlFree(href);
		return;
	}
	for (i = 0; i < w->nlinks && strcmp(w->links[i], href) != 0; i++)
		;
	if (i == w->nlinks && w->nlinks < HTML_MAX_LINKS)
		w->links[w->nlinks++] = xstrdup(href);
	if (i < w->nlinks) {
		html_settle(w);
		strbuf_addf(&w->out, "[%zu]", i + 1);
	}
	xmlFree(href);
}

/* Entering an element; 0 when its content is to be skipped. */
static int
html_enter(struct html_walk *w, xmlNode *n)
{
	const char *name = (const char *)n->name;
	char *alt;

	if (html_skipped(name))
		return 0;
	if (strcasecmp(name, "br") == 0) {
		w->breaks++;
		w->space = 0;
	} else if (strcasecmp(name, "img") == 0) {
		if ((alt = html_attr(n, "alt")) != NULL && alt[0] != '\0') {
			html_text(w, "[");
			html_text(w, alt);
			html_text(w, "]");
		}
		xmlFree(alt);
	} else if (strcasecmp(name, "td") == 0 || strcasecmp(name, "th") == 0)
		w->space = 1;
	else
		html_break(w, html_block(name));
	if (strcasecmp(name, "li") == 0)
		html_text(w, "* ");
	else if (strcasecmp(name, "hr") == 0)
		html_text(w, "----------");
	else if (strcasecmp(name, "pre") == 0)
		w->pre++;
	return 1;
}

/* Leaving an element (one whose content was walked). */
static void
html_leave(struct html_walk *w, xmlNode *n)
{
	const char *name = (const char *)n->name;

	if (strcasecmp(name, "a") == 0)
		html_link_end(w, n);
	else if (strcasecmp(name, "pre") == 0 && w->pre > 0)
		w->pre--;
	html_break(w, html_block(name));
}

/* Visit a node; 1 when its children are to be walked. */
static int
html_visit(struct html_walk *w, xmlNode *n)
{
	if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
		if (n->content != NULL)
			html_text(w, (const char *)n->content);
		return 0;
	}
	if (n->type != XML_ELEMENT_NODE || n->name == NULL)
		return 0;
	return html_enter(w, n);
}

/* Walk the tree without recursion (a hostile document can nest deep). */
static void
html_walk_tree(struct html_walk *w, xmlNode *top)
{
	xmlNode *n = top->children;

	while (n != NULL) {
		if (html_visit(w, n) && n->children != NULL) {
			n = n->children;
			continue;
		}
		if (n->type == XML_ELEMENT_NODE && !html_skipped(
		    (const char *)n->name))
			html_leave(w, n);
		while (n->next == NULL && n->parent != NULL && n->parent != top) {
			n = n->parent;
			html_leave(w, n);
		}
		n = n->next;
	}
}

/* The list of link targets, and the end of the text. */
static void
html_finish(struct html_walk *w)
{
	size_t i;

	while (w->out.len > 0 && strchr(" \n", w->out.s[w->out.len - 1]))
		w->out.s[--w->out.len] = '\0';
	if (w->out.len > 0)
		strbuf_addc(&w->out, '\n');
	if (w->nlinks > 0) {
		/* TRANSLATORS: the heading of the list of link targets
		 * under a message written in HTML. */
		strbuf_addf(&w->out, "\n%s\n", _("Links:"));
		for (i = 0; i < w->nlinks; i++) {
			strbuf_addf(&w->out, "[%zu] %s\n", i + 1, w->links[i]);
			free(w->links[i]);
		}
	}
}

static pthread_once_t html_once = PTHREAD_ONCE_INIT;

/* HTML (UTF-8) as plain text, with the built-in converter. */
char *
html_to_text(const char *html, size_t len)
{
	struct html_walk w;
	htmlDocPtr doc;
	xmlNode *root;

	/* libxml2 must be set up once before threads use it. */
	pthread_once(&html_once, xmlInitParser);
	memset(&w, 0, sizeof(w));
	strbuf_add(&w.out, "", 0);
	if (len > INT_MAX)
		len = INT_MAX;
	doc = htmlReadMemory(html, (int)len, NULL, "UTF-8",
	    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	    HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC);
	if (doc != NULL && (root = xmlDocGetRootElement(doc)) != NULL) {
		if (root->parent != NULL)
			html_walk_tree(&w, root->parent);
	}
	xmlFreeDoc(doc);
	html_finish(&w);
	return strbuf_take(&w.out, NULL);
}

/* ------------------------------------------------------------ dumper */

/* A program to run: argv[0] with a "/" as it is, else found in PATH. */
static char *
html_find(const char *prog)
{
	const char *path = getenv("PATH"), *p, *end;
	struct stat sb;
	char *full;

	if (strchr(prog, '/') != NULL)
		return access(prog, X_OK) == 0 ? xstrdup(prog) : NULL;
	for (p = path ? path : "/usr/bin:/bin"; *p != '\0'; p = end +
	    (*end != '\0')) {
		end = p + strcspn(p, ":");
		full = xasprintf("%.*s/%s", (int)(end - p), end == p ? "." : p,
		    prog);
		if (stat(full, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    access(full, X_OK) == 0)
			return full;
		free(full);
	}
	return NULL;
}

/* The seccomp program that refuses the network, as BPF; 0 if it cannot
 * be built (then nothing is run). */
static int
html_filter(struct sock_fprog *prog)
{
	scmp_filter_ctx ctx;
	int fd[2], ok = 0;
	char buf[8192];
	ssize_t n;

	memset(prog, 0, sizeof(*prog));
	if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL)
		return 0;
	if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(socket), 1,
	    SCMP_A0(SCMP_CMP_NE, AF_UNIX)) == 0 &&
	    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
	    SCMP_SYS(io_uring_setup), 0) == 0 && pipe(fd) == 0) {
		if (seccomp_export_bpf(ctx, fd[1]) == 0) {
			close(fd[1]);
			fd[1] = -1;
			n = read(fd[0], buf, sizeof(buf));
			if (n > 0 && n < (ssize_t)sizeof(buf) &&
			    n % sizeof(struct sock_filter) == 0) {
				prog->len = (unsigned short)(n /
				    sizeof(struct sock_filter));
				prog->filter = xmalloc((size_t)n);
				memcpy(prog->filter, buf, (size_t)n);
				ok = 1;
			}
		}
		close(fd[0]);
		if (fd[1] != -1)
			close(fd[1]);
	}
	seccomp_release(ctx);
	return ok;
}

/* In the child: the pipes as stdin/stdout, stderr to /dev/null, no other
 * descriptor, no network; then the program. Never returns. */
static void
html_child(const char *path, char **argv, int in, int out,
    const struct sock_fprog *prog)
{
	int null = open("/dev/null", O_WRONLY);
	sigset_t none;

	setpgid(0, 0);
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);	/* ours blocks SIGPIPE */
	if (dup2(in, 0) == -1 || dup2(out, 1) == -1 || null == -1 ||
	    dup2(null, 2) == -1)
		_exit(126);
	if (syscall(SYS_close_range, 3U, ~0U, 0) == -1) {
		long fd, max = sysconf(_SC_OPEN_MAX);

		for (fd = 3; fd < (max > 0 ? max : 1024); fd++)
			close((int)fd);
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, prog) == -1)
		_exit(126);
	execv(path, argv);
	_exit(127);
}

/* One running dumper. */
struct html_run {
	pid_t		 pid;
	int		 in, out;	/* our ends; -1 when closed */
	const char	*html;
	size_t		 len, off;	/* written so far */
	struct strbuf	 got;
	int		 truncated;
};

/* Write what the pipe takes, read what there is; 0 at the end of the
 * output (or at the cap). */
static int
html_pump(struct html_run *r, const struct pollfd *p)
{
	char buf[65536];
	ssize_t n;

	if (r->in != -1 && (p[0].revents & (POLLOUT | POLLERR | POLLHUP))) {
		n = write(r->in, r->html + r->off, r->len - r->off > 65536 ?
		    65536 : r->len - r->off);
		if (n > 0)
			r->off += (size_t)n;
		if ((n == -1 && errno != EAGAIN && errno != EINTR) ||
		    r->off == r->len) {
			close(r->in);
			r->in = -1;
		}
	}
	if (!(p[1].revents & (POLLIN | POLLERR | POLLHUP)))
		return 1;
	n = read(r->out, buf, sizeof(buf));
	if (n == -1)
		return errno == EAGAIN || errno == EINTR;
	if (n == 0)
		return 0;
	if (r->got.len + (size_t)n > HTML_DUMP_MAX) {
		n = (ssize_t)(HTML_DUMP_MAX - r->got.len);
		r->truncated = 1;
	}
	strbuf_add(&r->got, buf, (size_t)n);
	return !r->truncated;
}

/* Milliseconds left until deadline (CLOCK_MONOTONIC), at least 0. */
static int
html_left(const struct timespec *deadline)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(deadline->tv_sec - now.tv_sec) * 1000 +
	    (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : ms > INT_MAX ? INT_MAX : (int)ms;
}

/* Feed and read the dumper until its output ends; 0 on a timeout. */
static int
html_loop(struct html_run *r, const struct timespec *deadline)
{
	struct pollfd p[2];
	int left;

	for (;;) {
		p[0].fd = r->in;
		p[0].events = POLLOUT;
		p[1].fd = r->out;
		p[1].events = POLLIN;
		p[0].revents = p[1].revents = 0;
		if ((left = html_left(deadline)) == 0)
			return 0;
		if (poll(p, 2, left) == -1 && errno != EINTR)
			return 0;
		if (!html_pump(r, p))
			return 1;
	}
}

/* Wait for the child until the deadline; its status, or -1 (killed). */
static int
html_reap(struct html_run *r, const struct timespec *deadline, int kill_now)
{
	int status;

	while (!kill_now && html_left(deadline) > 0) {
		if (waitpid(r->pid, &status, WNOHANG) == r->pid)
			return status;
		poll(NULL, 0, 10);
	}
	kill(-r->pid, SIGKILL);
	kill(r->pid, SIGKILL);
	while (waitpid(r->pid, &status, 0) == -1 && errno == EINTR)
		;
	return -1;
}

/* Start the dumper with its pipes; 0 (errno set) if it cannot be. */
static int
html_start(struct html_run *r, const char *path, char **argv,
    const struct sock_fprog *prog)
{
	int in[2], out[2];

	if (pipe2(in, O_CLOEXEC) == -1)
		return 0;
	if (pipe2(out, O_CLOEXEC) == -1) {
		close(in[0]);
		close(in[1]);
		return 0;
	}
	if ((r->pid = fork()) == 0)
		html_child(path, argv, in[0], out[1], prog);
	close(in[0]);
	close(out[1]);
	r->in = in[1];
	r->out = out[0];
	if (r->pid == -1) {
		close(r->in);
		close(r->out);
		return 0;
	}
	fcntl(r->in, F_SETFL, O_NONBLOCK);
	fcntl(r->out, F_SETFL, O_NONBLOCK);
	return 1;
}

/* Run the dumper to its end; the sentence for a failure, or NULL. */
static char *
html_run(struct html_run *r, const char *path, char **argv,
    const struct sock_fprog *prog)
{
	struct timespec deadline;
	int done, status;

	if (!html_start(r, path, argv, prog))
		return xasprintf(_("cannot start %s: %s"), argv[0],
		    strerror(errno));
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += HTML_DUMP_SECONDS;
	done = html_loop(r, &deadline);
	if (r->in != -1)
		close(r->in);
	close(r->out);
	status = html_reap(r, &deadline, !done || r->truncated);
	if (!done)
		return xasprintf(_("%s did not finish within %d seconds"),
		    argv[0], HTML_DUMP_SECONDS);
	if (r->truncated)
		return NULL;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 126)
		return xasprintf(_("%s could not be cut off from the "
		    "network, so it was not run"), argv[0]);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return xasprintf(_("%s could not be run"), argv[0]);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return xasprintf(_("%s failed (exit status %d)"), argv[0],
		    WIFEXITED(status) ? WEXITSTATUS(status) : 128 +
		    WTERMSIG(status));
	return NULL;
}

/* Run the user's dumper on HTML (UTF-8); see html.h. */
enum status
html_dump(const char *cmd, const char *html, size_t len, char **out,
    int *truncated, char **errstr)
{
	struct sock_fprog prog;
	struct html_run r;
	sigset_t pipe_set, old;
	char **argv = NULL, *path = NULL, *err = NULL;

	memset(&r, 0, sizeof(r));
	if (argv_split(cmd, &argv, &err) != ST_OK)
		goto fail;
	if ((path = html_find(argv[0])) == NULL) {
		err = xasprintf(_("%s is not installed (not found in PATH)"),
		    argv[0]);
		goto fail;
	}
	if (!html_filter(&prog)) {
		err = xasprintf(_("%s could not be cut off from the network, "
		    "so it was not run"), argv[0]);
		goto fail;
	}
	/* A dumper that exits early must not kill us with SIGPIPE. */
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	r.html = html;
	r.len = len;
	err = html_run(&r, path, argv, &prog);
	if (!sigismember(&old, SIGPIPE)) {
		struct timespec zero = { 0, 0 };

		while (sigtimedwait(&pipe_set, NULL, &zero) == SIGPIPE)
			;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	free(prog.filter);
	if (err != NULL)
		goto fail;
	*out = charset_to_utf8("UTF-8", r.got.s ? r.got.s : "", r.got.len,
	    NULL);
	*truncated = r.truncated;
	strbuf_clear(&r.got);
	free(path);
	argv_free(argv);
	return ST_OK;
fail:
	/* TRANSLATORS: html_dumper is the name of the setting; %s says
	 * what went wrong. */
	*errstr = xasprintf(_("html_dumper: %s"), err);
	free(err);
	strbuf_clear(&r.got);
	free(path);
	argv_free(argv);
	return ST_USAGE;
}
