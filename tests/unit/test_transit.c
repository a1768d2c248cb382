/* test_transit.c: Received fields into hops (transit.c) and the
 * Authentication-Results parser (authres.c), over header shapes real
 * servers write: Postfix, Exim, Sendmail, Proofpoint, Google, Microsoft,
 * Mimecast, Courier, OpenSMTPD, qmail, Dovecot, fetchmail, webmail. */
#include "build-config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "authres.h"
#include "transit.h"

/* One hop from a field value; the caller clears it. */
static struct hop
hop(const char *value)
{
	struct hop h;

	transit_hop_parse(value, &h);
	return h;
}

/* The verdict and reason of a field. */
static void
expect_hop(const char *value, enum hop_verdict v, enum hop_why w)
{
	struct hop h = hop(value);

	if (h.verdict != v || h.why != w)
		fail_msg("%s: got %s/%s, want %s/%s", value,
		    transit_hop_verdict_name(h.verdict),
		    transit_why_name(h.why), transit_hop_verdict_name(v),
		    transit_why_name(w));
	transit_hop_clear(&h);
}

/* A NULL-safe string comparison with a message. */
static void
expect_str(const char *got, const char *want)
{
	if (want == NULL)
		assert_null(got);
	else {
		assert_non_null(got);
		assert_string_equal(got, want);
	}
}

/* A record from "Name", "value" pairs (NULL-terminated), finished. */
static struct transit *
message(const char *name, ...)
{
	struct transit *t = transit_new();
	const char *value;
	va_list ap;

	va_start(ap, name);
	for (; name != NULL; name = va_arg(ap, const char *)) {
		value = va_arg(ap, const char *);
		transit_add(t, name, value);
	}
	va_end(ap);
	transit_finish(t);
	return t;
}

/* ------------------------------------------------------------ Postfix */

#define POSTFIX_TLS13 \
	"from mail-pf1-x441.google.com (mail-pf1-x441.google.com\r\n" \
	" [IPv6:2607:f8b0:4864:20::441])\r\n" \
	" (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)\r\n" \
	" key-exchange X25519 server-signature RSA-PSS (2048 bits) " \
	"server-digest SHA256)\r\n" \
	" (No client certificate requested)\r\n" \
	" by lists.ozlabs.org (Postfix) with ESMTPS id 49DbjZ1PwJzDq9s\r\n" \
	" for <linuxppc-dev@lists.ozlabs.org>; Sat,  2 May 2020 14:29:02 " \
	"+1000 (AEST)"

static void
test_postfix_tls13(void **state)
{
	struct hop h = hop(POSTFIX_TLS13);

	assert_int_equal(h.verdict, HOP_ENCRYPTED);
	assert_int_equal(h.why, WHY_TLS_FACTS);
	expect_str(h.from, "mail-pf1-x441.google.com");
	expect_str(h.from_ip, "2607:f8b0:4864:20::441");
	expect_str(h.by, "lists.ozlabs.org");
	expect_str(h.protocol, "ESMTPS");
	assert_int_equal(h.tls, TV_TLS13);
	expect_str(h.tls_text, "TLSv1.3");
	expect_str(h.cipher, "TLS_AES_256_GCM_SHA384");
	assert_int_equal(h.bits, 256);
	assert_false(h.weak);
	transit_hop_clear(&h);
}

static void
test_postfix_tls12_folded_lf(void **state)
{
	struct hop h = hop("from mx2.suse.de (mx2.suse.de [195.135.220.15])\n"
	    "\t(using TLSv1.2 with cipher AECDH-AES256-SHA (256/256 bits))\n"
	    "\t(No client certificate requested)\n"
	    "\tby in-5.smtp.seeweb.it (Postfix) with ESMTPS id C37FB600728\n"
	    "\tfor <ltp@lists.linux.it>; Tue, 13 Apr 2021 19:37:52 +0200");

	assert_int_equal(h.verdict, HOP_ENCRYPTED);
	assert_int_equal(h.tls, TV_TLS12);
	expect_str(h.cipher, "AECDH-AES256-SHA");
	expect_str(h.from_ip, "195.135.220.15");
	transit_hop_clear(&h);
}

static void
test_postfix_plain(void **state)
{
	struct hop h = hop("from mail-pg0-f72.google.com (mail-pg0-f72.google.com "
	    "[74.125.83.72])\r\n\tby kanga.kvack.org (Postfix) with ESMTP id "
	    "21A046B0260\r\n\tfor <linux-mm@kvack.org>; Wed, 27 Sep 2017 "
	    "19:56:24 -0400 (EDT)");

	assert_int_equal(h.verdict, HOP_CLEAR);
	assert_int_equal(h.why, WHY_PROTOCOL_CLEAR);
	assert_int_equal(h.tls, TV_NONE);
	assert_null(h.cipher);
	expect_str(h.protocol, "ESMTP");
	transit_hop_clear(&h);
}

static void
test_postfix_local(void **state)
{
	expect_hop("from picard.linux.it (localhost [IPv6:::1])\r\n"
	    "\tby picard.linux.it (Postfix) with ESMTP id 5A7B93C72A6\r\n"
	    "\tfor <lists+linux-ltp@lfdr.de>; Tue, 13 Apr 2021 19:37:59 +0200",
	    HOP_LOCAL, WHY_LOOPBACK);
	expect_hop("from localhost (localhost [127.0.0.1]) by "
	    "radish.zzzz.org (Postfix) with ESMTP id 1398F5900D9 for "
	    "<zzzz@localhost>; Mon,  8 Mar 2004 16:02:50 -0800 (PST)",
	    HOP_LOCAL, WHY_LOOPBACK);
	expect_hop("by jupiter.universe (Postfix, from userid 1000)\r\n"
	    "\tid 984C6480065; Tue, 28 Apr 2026 18:14:01 +0200 (CEST)",
	    HOP_LOCAL, WHY_NO_PEER);
	/* amavisd-new on loopback */
	expect_hop("from messagerie.si.c-s.fr ([127.0.0.1]) by localhost "
	    "(messagerie.si.c-s.fr [127.0.0.1]) (amavisd-new, port 10023) "
	    "with ESMTP id w4hH0sd8_Gs9; Wed, 12 Oct 2022 12:10:08 +0200",
	    HOP_LOCAL, WHY_LOOPBACK);
}

/* --------------------------------------------------------------- Exim */

static void
test_exim_new(void **state)
{
	struct hop h = hop("from pty.whiteo.stw.pengutronix.de "
	    "([2a0a:edc0:2:b01:1d::c5])\n\tby drehscheibe.grey.stw."
	    "pengutronix.de with esmtps  (TLS1.3) tls "
	    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\n\t(Exim 4.96)\n\t"
	    "(envelope-from <m.tretter@pengutronix.de>)\n\tid "
	    "1wQ33O-0016fi-2f;\n\tThu, 21 May 2026 15:03:11 +0200");

	assert_int_equal(h.verdict, HOP_ENCRYPTED);
	assert_int_equal(h.tls, TV_TLS13);
	expect_str(h.protocol, "esmtps");
	expect_str(h.cipher, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
	expect_str(h.from_ip, "2a0a:edc0:2:b01:1d::c5");
	transit_hop_clear(&h);
	expect_hop("from ip68-227-168-167.om.om.cox.net ([68.227.168.167]:54354 "
	    "helo=email.froward.int.ebiederm.org.xmission.com)\n\tby "
	    "in02.mta.xmission.com with esmtpsa  (TLS1.3) tls "
	    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\n\t(Exim 4.93)\n\t"
	    "(envelope-from <ebiederm@xmission.com>)", HOP_ENCRYPTED,
	    WHY_TLS_FACTS);
}

static void
test_exim_old(void **state)
{
	struct hop h = hop("from drehscheibe.grey.stw.pengutronix.de "
	    "([2a0a:edc0:0:c01:1d::a2])\n\tby metis.whiteo.stw.pengutronix.de "
	    "with esmtps (TLS1.3:ECDHE_RSA_AES_256_GCM_SHA384:256)\n\t"
	    "(Exim 4.92)\n\t(envelope-from <mkl@pengutronix.de>)\n\tid "
	    "1rZr3n-00019t-6s\n\tfor linux-can@vger.kernel.org; Tue, 13 Feb "
	    "2024 12:34:47 +0100");

	assert_int_equal(h.verdict, HOP_ENCRYPTED);
	assert_int_equal(h.tls, TV_TLS13);
	expect_str(h.cipher, "ECDHE_RSA_AES_256_GCM_SHA384");
	assert_int_equal(h.bits, 256);
	transit_hop_clear(&h);
	h = hop("from [192.0.2.1] (helo=x.example) by mx.example.org with "
	    "esmtps (TLSv1.2:ECDHE-RSA-AES256-GCM-SHA384:256) (Exim 4.89) "
	    "(envelope-from <a@x.example>) id 1abc; Mon, 1 Jan 2018 00:00:00 "
	    "+0000");
	assert_int_equal(h.tls, TV_TLS12);
	expect_str(h.cipher, "ECDHE-RSA-AES256-GCM-SHA384");
	expect_str(h.from_ip, "192.0.2.1");
	transit_hop_clear(&h);
}

static void
test_exim_plain_and_local(void **state)
{
	expect_hop("from [85.172.49.228] (helo=home-dbd219661e)\n\tby "
	    "tintern2.dsvr.co.uk with esmtp (Exim 4.62)\n\t(envelope-from "
	    "<buk@bradleymotivation.com>)\n\tid 1Kx7YH-000", HOP_CLEAR,
	    WHY_PROTOCOL_CLEAR);
	expect_hop("from [192.0.2.4] (helo=laptop) by smtp.example.org with "
	    "esmtpa (Exim 4.96) id 1x", HOP_CLEAR, WHY_PROTOCOL_CLEAR);
	expect_hop("from mtr by pty.whiteo.stw.pengutronix.de with local "
	    "(Exim 4.98.2)\n\t(envelope-from <m.tretter@pengutronix.de>)\n\t"
	    "id 1wQ33P-00000004Vyy-10Cg;\n\tThu, 21 May 2026 15:03:11 +0200",
	    HOP_LOCAL, WHY_LOCAL_PROTOCOL);
	expect_hop("from alice by host.example.org with local-esmtp "
	    "(Exim 4.96) id 1y", HOP_LOCAL, WHY_LOCAL_PROTOCOL);
}

/* ---------------------------------------------- Sendmail, Proofpoint */

static void
test_sendmail(void **state)
{
	struct hop h = hop("from PO20335.IDSI0.si.c-s.fr (localhost "
	    "[127.0.0.1])\n        by PO20335.IDSI0.si.c-s.fr "
	    "(8.17.1/8.16.1) with ESMTPS id 29CA9wkA1165787\n        "
	    "(version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 bits=256 "
	    "verify=NOT);\n        Wed, 12 Oct 2022 12:09:58 +0200");

	/* TLS written on a loopback hop: it is encrypted (and local). */
	assert_int_equal(h.verdict, HOP_ENCRYPTED);
	assert_int_equal(h.tls, TV_TLS13);
	assert_int_equal(h.bits, 256);
	transit_hop_clear(&h);
	expect_hop("(from chleroy@localhost)\n        by "
	    "PO20335.IDSI0.si.c-s.fr (8.17.1/8.17.1/Submit) id "
	    "29CA9wXj1165786;\n        Wed, 12 Oct 2022 12:09:58 +0200",
	    HOP_LOCAL, WHY_NO_PEER);
	/* Proofpoint writes "with ESMTP" and the TLS facts: facts win. */
	h = hop("from ediex01.ad.cirrus.com ([87.246.76.36])\n        by "
	    "mx0a-001ae601.pphosted.com with ESMTP id 35k0edtf8r-1\n        "
	    "(version=TLSv1.2 cipher=ECDHE-RSA-AES128-GCM-SHA256 bits=128 "
	    "verify=NOT);\n        Wed, 23 Dec 2020 12:56:49 -0600");
	assert_int_equal(h.verdict, HOP_ENCRYPTED);
	assert_int_equal(h.why, WHY_TLS_FACTS);
	assert_int_equal(h.bits, 128);
	expect_str(h.protocol, "ESMTP");
	transit_hop_clear(&h);
	/* an old sendmail with an old OpenSSL: the version is the cipher's;
	 * the first "bits=" is SASL's */
	h = hop("from [172.16.46.16] ([178.19.210.163])\n\t(authenticated "
	    "bits=56)\n        (User authenticated as mhagger@ALUM.MIT.EDU)\n\t"
	    "by outgoing-alum.mit.edu (8.13.8/8.12.4) with ESMTP id "
	    "s8QAUd3Y014861\n\t(version=TLSv1/SSLv3 cipher=DHE-RSA-AES128-SHA "
	    "bits=128 verify=NOT);\n\tFri, 26 Sep 2014 06:30:43 -0400");
	assert_int_equal(h.verdict, HOP_ENCRYPTED);
	assert_int_equal(h.tls, TV_OTHER);
	expect_str(h.tls_text, "TLSv1/SSLv3");
	assert_int_equal(h.bits, 128);
	assert_false(h.weak);
	transit_hop_clear(&h);
}

/* ------------------------------------------------------------- Google */

static void
test_google(void **state)
{
	struct hop h = hop("from mga07.intel.com (mga07.intel.com. "
	    "[134.134.136.100])\n        by mx.google.com with ESMTPS id "
	    "n9si146219pll.307.2017.09.27.16.56.22\n        for "
	    "<linux-mm@kvack.org>\n        (version=TLS1_3 "
	    "cipher=TLS_AES_256_GCM_SHA384 bits=256/256);\n        Wed, 27 "
	    "Sep 2017 16:56:23 -0700 (PDT)");

	assert_int_equal(h.verdict, HOP_ENCRYPTED);
	assert_int_equal(h.tls, TV_TLS13);
	expect_str(h.tls_text, "TLS1_3");
	assert_int_equal(h.bits, 256);
	expect_str(h.from, "mga07.intel.com");
	transit_hop_clear(&h);
	expect_hop("from mail-sor-f41.google.com (mail-sor-f41.google.com. "
	    "[209.85.220.41])\r\n        by mx.google.com with SMTPS id "
	    "a1sor123\r\n        for <x@gmail.com>\r\n        (Google "
	    "Transport Security);\r\n        Fri, 31 Jan 2020 19:11:49 -0800",
	    HOP_ENCRYPTED, WHY_PROTOCOL_TLS);
	/* Google's own hand-overs name no sending host. */
	expect_hop("by 2002:a05:6a10:9e0c:b0:3a1:1234:5678 with SMTP id "
	    "t10csp190775qvi;\r\n        Fri, 31 Jan 2020 19:11:49 -0800 (PST)",
	    HOP_LOCAL, WHY_NO_PEER);
	h = hop("from mx2.suse.de (cantor2.suse.de. [195.135.220.15])\n"
	    "        by mx.google.com with ESMTPS id m9si17640400wjr.7\n"
	    "        (version=TLSv1 cipher=ECDHE-RSA-RC4-SHA bits=128/128);\n"
	    "        Fri, 25 Jul 2014 05:18:23 -0700 (PDT)");
	assert_int_equal(h.tls, TV_TLS10);
	assert_true(h.weak);
	transit_hop_clear(&h);
	h = hop("from localhost.localdomain ([123.113.74.202])\n        by "
	    "mx.google.com with ESMTPS id 8sm313822ywg.19\n        "
	    "(version=SSLv3 cipher=RC4-MD5);\n        Wed, 28 Oct 2009");
	assert_int_equal(h.tls, TV_SSL3);
	assert_true(h.weak);
	transit_hop_clear(&h);
}

/* ---------------------------------------------------------- Microsoft */

static void
test_microsoft(void **state)
{
	struct hop h = hop("from EDIEX01.ad.cirrus.com (198.61.84.80) by "
	    "EDIEX02.ad.cirrus.com\r\n (198.61.84.81) with Microsoft SMTP "
	    "Server (version=TLS1_2,\r\n cipher=TLS_ECDHE_RSA_WITH_AES_128_"
	    "GCM_SHA256) id 15.1.1913.5; Wed, 23 Dec\r\n 2020 18:41:44 +0000");

	assert_int_equal(h.verdict, HOP_ENCRYPTED);
	expect_str(h.protocol, "Microsoft SMTP Server");
	assert_int_equal(h.tls, TV_TLS12);
	expect_str(h.cipher, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
	expect_str(h.from_ip, "198.61.84.80");
	transit_hop_clear(&h);
	/* internal, nothing said about TLS */
	expect_hop("from ediswmail.ad.cirrus.com (198.61.86.93) by "
	    "EDIEX01.ad.cirrus.com\r\n (198.61.84.80) with Microsoft SMTP "
	    "Server id 15.1.1913.5 via Frontend\r\n Transport; Wed, 23 Dec "
	    "2020 18:41:44 +0000", HOP_UNKNOWN, WHY_PROTOCOL_SILENT);
	/* Exchange 2010 */
	expect_hop("from ex1.example.com (10.1.1.1) by ex2.example.com "
	    "(10.1.1.2) with Microsoft SMTP Server (TLS) id 14.3.123.4; "
	    "Mon, 1 Jan 2018 00:00:00 +0000", HOP_ENCRYPTED, WHY_TLS_FACTS);
	expect_hop("from BYAPR11MB1234.namprd11.prod.outlook.com "
	    "([fe80::a1b2:c3d4:e5f6:1234]) by BYAPR11MB1234.namprd11.prod."
	    "outlook.com ([fe80::a1b2:c3d4:e5f6:1234%4]) with mapi id "
	    "15.20.1234.000; Mon, 1 Jan 2024 00:00:00 +0000", HOP_LOCAL,
	    WHY_SAME_HOST);
}

/* --------------------------------------------- more servers and shapes */

static void
test_mimecast_courier_opensmtpd(void **state)
{
	struct hop h = hop("from us-smtp-1.mimecast.com (us-smtp-delivery-1."
	    "mimecast.com [205.139.110.120]) by\r\n relay.mimecast.com with "
	    "ESMTP with STARTTLS (version=TLSv1.3,\r\n cipher=TLS_AES_256_GCM_"
	    "SHA384) id us-mta-546-6tEj; Mon,\r\n 12 Jan 2026 11:54:03 -0500");

	assert_int_equal(h.verdict, HOP_ENCRYPTED);
	assert_int_equal(h.tls, TV_TLS13);
	expect_str(h.cipher, "TLS_AES_256_GCM_SHA384");
	transit_hop_clear(&h);
	expect_hop("from a.example (a.example [192.0.2.3]) by b.example with "
	    "ESMTP with STARTTLS id 1; Mon, 1 Jan 2024", HOP_ENCRYPTED,
	    WHY_PROTOCOL_TLS);
	h = hop("from host.example.net (host.example.net [192.0.2.9]) (AUTH: "
	    "LOGIN bob, TLS: TLSv1.2,256bits,ECDHE-RSA-AES256-GCM-SHA384) by "
	    "mail.example.org with ESMTPSA; Mon, 1 Jan 2024 00:00:00 +0000");
	assert_int_equal(h.tls, TV_TLS12);
	assert_int_equal(h.bits, 256);
	expect_str(h.cipher, "ECDHE-RSA-AES256-GCM-SHA384");
	transit_hop_clear(&h);
	h = hop("from mx.example.net (mx.example.net [192.0.2.10]) by "
	    "mx.example.org (OpenSMTPD) with ESMTPS id 6c1c8d4e "
	    "(TLSv1.3:TLS_AES_256_GCM_SHA384:256:NO) for <x@example.org>; "
	    "Mon, 1 Jan 2024 00:00:00 +0000");
	assert_int_equal(h.tls, TV_TLS13);
	assert_int_equal(h.bits, 256);
	transit_hop_clear(&h);
	expect_hop("from localhost (mail.example.org [local]) by "
	    "mail.example.org (OpenSMTPD) with ESMTPA id 1b2c3d4e; Mon, 1 Jan "
	    "2024", HOP_LOCAL, WHY_LOOPBACK);
}

static void
test_qmail_dovecot_fetchmail(void **state)
{
	struct hop h;

	expect_hop("(qmail 12345 invoked by uid 89); 10 Jan 2020 10:00:00 "
	    "-0000", HOP_LOCAL, WHY_NO_PEER);
	expect_hop("(qmail 4242 invoked from network); 10 Jan 2020", HOP_LOCAL,
	    WHY_NO_PEER);
	expect_hop("from unknown (HELO mx.example.net) (192.0.2.7) by "
	    "mail.example.org with SMTP; 10 Jan 2020 10:00:00 -0000",
	    HOP_CLEAR, WHY_PROTOCOL_CLEAR);
	h = hop("from unknown (HELO mx.example.net) (192.0.2.7) by "
	    "mail.example.org with (DHE-RSA-AES256-GCM-SHA384 encrypted) SMTP; "
	    "10 Jan 2020 10:00:00 -0000");
	assert_int_equal(h.verdict, HOP_ENCRYPTED);
	expect_str(h.cipher, "DHE-RSA-AES256-GCM-SHA384");
	expect_str(h.protocol, "SMTP");
	expect_str(h.from_ip, "192.0.2.7");
	transit_hop_clear(&h);
	expect_hop("from mail.example.com by mail.example.com with LMTP id "
	    "mMq7FzLxZGWGcAAAgupzMw (envelope-from <a@b.example>) for "
	    "<alice@example.com>; Mon, 27 Nov 2023 10:00:00 +0000", HOP_LOCAL,
	    WHY_LOCAL_PROTOCOL);
	expect_hop("from pop3.web.de [212.227.17.177]\n\tby localhost with "
	    "POP3 (fetchmail-6.4.6)\n\tfor <arne@localhost> (single-drop); "
	    "Fri, 26 Jun 2020 12:56:08 +0200", HOP_UNKNOWN,
	    WHY_PROTOCOL_SILENT);
	expect_hop("from linux.intel.com [10.54.29.200]\n by "
	    "stinkbox.fi.intel.com with IMAP (fetchmail-6.3.26)\n for "
	    "<vsyrjala@localhost> (single-drop); Wed, 25 Sep 2019", HOP_UNKNOWN,
	    WHY_PROTOCOL_SILENT);
}

static void
test_webmail(void **state)
{
	expect_hop("from 192.0.2.50 ([192.0.2.50]) by webmail.example.org "
	    "with HTTPS (HTTP/1.1 POST); Mon, 1 Jan 2024", HOP_ENCRYPTED,
	    WHY_PROTOCOL_TLS);
	expect_hop("from 192.0.2.50 ([192.0.2.50]) by webmail.example.org "
	    "with HTTP (HTTP/1.1 POST); Mon, 1 Jan 2024", HOP_CLEAR,
	    WHY_PROTOCOL_CLEAR);
	expect_hop("from [192.0.2.51] by web1.mail.example.com via HTTP; "
	    "Mon, 1 Jan 2007", HOP_CLEAR, WHY_PROTOCOL_CLEAR);
}

/* A ';' inside a comment does not end the field; one after does. */
static void
test_vger_semicolon_in_comment(void **state)
{
	expect_hop("from smtp-out1.suse.de ([195.135.220.28]:57186 \"EHLO\n"
	    "        smtp-out1.suse.de\" rhost-flags-OK-OK-OK-OK) by "
	    "vger.kernel.org\n        with ESMTP id S230456AbiAQW50 (ORCPT\n"
	    "        <rfc822;linux-fsdevel@vger.kernel.org>);\n        Mon, 17 "
	    "Jan 2022 17:57:26 -0500", HOP_CLEAR, WHY_PROTOCOL_CLEAR);
	expect_hop("from a.example ([192.0.2.1]) by b.example; with ESMTPS",
	    HOP_UNKNOWN, WHY_NOTHING);
}

/* A sending host that names itself after the receiver is still a
 * stranger when its address says so. */
static void
test_spoofed_names(void **state)
{
	expect_hop("from mail.victim.example (evil.example [192.0.2.66]) by "
	    "mail.victim.example (Postfix) with ESMTP id 1", HOP_CLEAR,
	    WHY_PROTOCOL_CLEAR);
	expect_hop("from localhost (unknown [192.0.2.66]) by mx.example.org "
	    "(Postfix) with ESMTP id 2", HOP_CLEAR, WHY_PROTOCOL_CLEAR);
	/* a host name beginning with "tls" is not a TLS version */
	expect_hop("from a.example (tlsgate.example) by b.example with ESMTP",
	    HOP_CLEAR, WHY_PROTOCOL_CLEAR);
	/* "encrypted" outside "with ( ) SMTP" is not qmail's TLS note */
	expect_hop("from a.example (not encrypted) ([192.0.2.8]) by b.example "
	    "with ESMTP", HOP_CLEAR, WHY_PROTOCOL_CLEAR);
}

static void
test_garbage(void **state)
{
	static const char *const junk[] = {
		"", " ", "garbage", "((((", ";;;", "from", "from (", "by",
		"from a", "with", "with (", "[", "\"", "from [", "from \"x",
		")))", "(qmail", "from a by", "version=TLSv1.3", "(TLS:::)",
		"from x (using) by y", "from x (using TLSv1.3 with) by y",
	};
	struct hop h;
	size_t i;

	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		h = hop(junk[i]);
		if (h.verdict == HOP_CLEAR)
			fail_msg("%s: judged clear", junk[i]);
		transit_hop_clear(&h);
	}
	expect_hop("from a", HOP_UNKNOWN, WHY_NOTHING);
	expect_hop("garbage", HOP_UNKNOWN, WHY_NOTHING);
	expect_hop("from a by b with carrier-pigeon", HOP_UNKNOWN,
	    WHY_PROTOCOL_SILENT);
	h = hop(NULL);
	assert_int_equal(h.verdict, HOP_UNKNOWN);
	transit_hop_clear(&h);
	transit_hop_clear(NULL);
}

/* Folded (CRLF or LF) and unfolded: the same hop. */
static void
test_folding(void **state)
{
	struct hop a = hop("from a.example (a.example [192.0.2.1]) (using "
	    "TLSv1.3 with cipher TLS_AES_128_GCM_SHA256 (128/128 bits)) by "
	    "b.example (Postfix) with ESMTPS id X for <u@b.example>; Mon, 1 "
	    "Jan 2024");
	struct hop b = hop("from a.example (a.example [192.0.2.1])\r\n\t(using "
	    "TLSv1.3 with cipher TLS_AES_128_GCM_SHA256 (128/128\r\n\t bits))"
	    "\r\n\tby b.example (Postfix) with ESMTPS id X\r\n\tfor "
	    "<u@b.example>; Mon, 1 Jan 2024");

	assert_int_equal(a.verdict, b.verdict);
	assert_int_equal(a.tls, b.tls);
	assert_string_equal(a.cipher, b.cipher);
	assert_int_equal(a.bits, 128);
	assert_int_equal(b.bits, 128);
	assert_string_equal(a.by, b.by);
	transit_hop_clear(&a);
	transit_hop_clear(&b);
}

/* -------------------------------------------------------- the message */

#define R_LMTP "from mx.example.org by mx.example.org with LMTP id a; Mon"
#define R_TLS "from a.example (a.example [192.0.2.1]) by mx.example.org " \
	"with ESMTPS (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 " \
	"bits=256); Mon"
#define R_WEAK "from c.example (c.example [192.0.2.3]) by a.example with " \
	"ESMTPS (version=TLSv1.1 cipher=ECDHE-RSA-AES256-SHA bits=256); Mon"
#define R_CLEAR "from b.example (b.example [192.0.2.2]) by a.example " \
	"(Postfix) with ESMTP id B; Mon"
#define R_PICKUP "by b.example (Postfix, from userid 1000) id A; Mon"
#define R_MS "from x.example (192.0.2.9) by y.example (192.0.2.10) with " \
	"Microsoft SMTP Server id 15.1.1.1; Mon"

static void
test_message_verdicts(void **state)
{
	struct transit *t;

	t = message("Received", R_LMTP, "Received", R_TLS, "Received",
	    R_PICKUP, NULL);
	assert_int_equal(t->nhops, 3);
	assert_int_equal(t->verdict, TRANSIT_ENCRYPTED);
	assert_int_equal(transit_mark(t), TM_ENCRYPTED);
	transit_free(t);
	t = message("Received", R_LMTP, "Received", R_TLS, "Received",
	    R_CLEAR, "Received", R_PICKUP, NULL);
	assert_int_equal(t->verdict, TRANSIT_CLEAR);
	assert_int_equal(transit_mark(t), TM_CLEAR);
	assert_int_equal(t->hops[2].verdict, HOP_CLEAR);
	transit_free(t);
	t = message("Received", R_TLS, "Received", R_MS, NULL);
	assert_int_equal(t->verdict, TRANSIT_UNKNOWN);
	assert_int_equal(transit_mark(t), TM_UNKNOWN);
	transit_free(t);
	t = message("Received", R_TLS, "Received", R_WEAK, NULL);
	assert_int_equal(t->verdict, TRANSIT_ENCRYPTED);
	assert_true(t->weak);
	assert_int_equal(transit_mark(t), TM_WEAK);
	transit_free(t);
	t = message("Received", R_LMTP, "received", R_PICKUP, NULL);
	assert_int_equal(t->verdict, TRANSIT_LOCAL);
	assert_int_equal(transit_mark(t), TM_LOCAL);
	transit_free(t);
	t = message("Subject", "hello", NULL);
	assert_int_equal(t->nhops, 0);
	assert_int_equal(t->verdict, TRANSIT_UNKNOWN);
	transit_free(t);
	transit_free(NULL);
}

/* More hops than are kept, or a field cut off: not known whole. */
static void
test_message_dropped(void **state)
{
	struct transit *t = transit_new();
	int i;

	for (i = 0; i < TRANSIT_MAX_HOPS + 3; i++)
		transit_add(t, " RECEIVED ", R_TLS);
	transit_finish(t);
	assert_int_equal(t->nhops, TRANSIT_MAX_HOPS);
	assert_int_equal(t->dropped, 3);
	assert_int_equal(t->verdict, TRANSIT_UNKNOWN);
	transit_free(t);
	t = transit_new();
	transit_add(t, "Received", R_TLS);
	transit_cut(t);
	transit_finish(t);
	assert_int_equal(t->verdict, TRANSIT_UNKNOWN);
	transit_free(t);
	/* a clear hop is clear whatever was cut */
	t = transit_new();
	transit_add(t, "Received", R_CLEAR);
	transit_cut(t);
	transit_finish(t);
	assert_int_equal(t->verdict, TRANSIT_CLEAR);
	transit_free(t);
}

#define AR_KERNEL1 "smtp.subspace.kernel.org; dmarc=pass (p=none " \
	"dis=none) header.from=suse.de"
#define AR_KERNEL2 "smtp.subspace.kernel.org; spf=pass smtp.mailfrom=suse.de"
#define AR_KERNEL3 "smtp.subspace.kernel.org;\r\n\tdkim=pass (1024-bit key) " \
	"header.d=suse.de header.i=@suse.de header.b=n/eQEnMw; arc=none " \
	"smtp.client-ip=195.135.223.130"
#define AR_ELSEWHERE "mx.other.example; dkim=fail header.d=evil.example"

/* The topmost block of one server, when a server wrote it. */
static void
test_message_authres(void **state)
{
	struct transit *t;

	t = message("Authentication-Results", AR_KERNEL1,
	    "Authentication-Results", AR_KERNEL2, "Authentication-Results",
	    AR_ELSEWHERE, "Authentication-Results", AR_KERNEL3, "Received", R_TLS,
	    "Authentication-Results", AR_KERNEL2, NULL);
	assert_non_null(t->auth);
	assert_string_equal(t->auth->authserv_id, "smtp.subspace.kernel.org");
	assert_int_equal(t->auth->n, 4);	/* dmarc spf dkim arc */
	assert_int_equal(t->auth->e[0].method, AR_DMARC);
	assert_int_equal(t->auth->e[1].method, AR_SPF);
	assert_int_equal(t->auth->e[2].method, AR_DKIM);
	assert_int_equal(t->auth->e[3].method, AR_ARC);
	assert_false(t->auth_ignored);
	transit_free(t);
	/* below every Received field: the sender wrote it */
	t = message("Received", R_TLS, "Authentication-Results", AR_KERNEL2,
	    NULL);
	assert_null(t->auth);
	assert_true(t->auth_ignored);
	transit_free(t);
	/* the topmost is unreadable: the next readable one is topmost */
	t = message("Authentication-Results", "example.com 2; spf=pass",
	    "Authentication-Results", AR_KERNEL2, "Received", R_TLS, NULL);
	assert_non_null(t->auth);
	assert_int_equal(t->auth->n, 1);
	transit_free(t);
	t = message("Received", R_TLS, NULL);
	assert_null(t->auth);
	assert_false(t->auth_ignored);
	transit_free(t);
}

/* ------------------------------------------------- Authentication-Results */

static struct authres *
ar(const char *value)
{
	struct authres *a = authres_parse(value);

	if (a == NULL)
		fail_msg("could not parse: %s", value);
	return a;
}

/* RFC 8601 appendix B.2 to B.7. */
static void
test_authres_rfc8601(void **state)
{
	struct authres *a;

	a = ar("example.org 1; none");
	assert_string_equal(a->authserv_id, "example.org");
	assert_true(a->none);
	assert_int_equal(a->n, 0);
	authres_free(a);
	a = ar("example.com; spf=pass smtp.mailfrom=example.net");
	assert_int_equal(a->n, 1);
	assert_int_equal(a->e[0].method, AR_SPF);
	assert_int_equal(a->e[0].value, AR_PASS);
	expect_str(a->e[0].domain, "example.net");
	authres_free(a);
	a = ar("example.com;\r\n          auth=pass (cram-md5) smtp.auth="
	    "sender@example.net;\r\n          spf=pass smtp.mailfrom="
	    "example.net");
	assert_int_equal(a->n, 2);
	assert_int_equal(a->e[0].method, AR_OTHER);
	assert_string_equal(a->e[0].method_name, "auth");
	assert_int_equal(a->e[1].method, AR_SPF);
	authres_free(a);
	a = ar("example.com; iprev=pass\r\n          policy.iprev=192.0.2.200");
	assert_int_equal(a->n, 1);
	assert_string_equal(a->e[0].method_name, "iprev");
	authres_free(a);
	a = ar("example.com;\r\n          dkim=pass (good signature) "
	    "header.d=mail-router.example.net");
	expect_str(a->e[0].domain, "mail-router.example.net");
	authres_free(a);
	a = ar("example.com;\r\n    dkim=pass reason=\"good signature\"\r\n"
	    "      header.i=@mail-router.example.net;\r\n    dkim=fail "
	    "reason=\"bad signature\"\r\n      header.i=@newyork.example.com");
	assert_int_equal(a->n, 2);
	expect_str(a->e[0].reason, "good signature");
	expect_str(a->e[0].identity, "@mail-router.example.net");
	expect_str(a->e[0].domain, "mail-router.example.net");
	assert_int_equal(a->e[1].value, AR_FAIL);
	expect_str(a->e[1].domain, "newyork.example.com");
	authres_free(a);
	a = ar("foo.example.net (foobar) 1 (baz);\r\n    dkim (Because I like "
	    "it) / 1 (One yay) = (wait for it) fail\r\n      policy (A dot can "
	    "go here) . (like that) expired\r\n      (this surprised me) = (as "
	    "I wasn't expecting it) 1362471462");
	assert_string_equal(a->authserv_id, "foo.example.net");
	assert_int_equal(a->n, 1);
	assert_int_equal(a->e[0].method, AR_DKIM);
	assert_int_equal(a->e[0].value, AR_FAIL);
	authres_free(a);
	/* RFC 8601 2.2: an unknown version is not read */
	assert_null(authres_parse("example.com 2; spf=pass smtp.mailfrom=a"));
}

/* What the big providers write. */
static void
test_authres_providers(void **state)
{
	struct authres *a;

	a = ar("mx.google.com;\r\n       dkim=pass header.i=@intel.com "
	    "header.s=Intel header.b=AbC+/q==;\r\n       spf=pass (google.com: "
	    "domain of x@intel.com designates 134.134.136.100 as permitted "
	    "sender) smtp.mailfrom=x@intel.com;\r\n       dmarc=pass (p=NONE "
	    "sp=NONE dis=NONE) header.from=intel.com");
	assert_int_equal(a->n, 3);
	expect_str(a->e[0].domain, "intel.com");
	expect_str(a->e[0].selector, "Intel");
	expect_str(a->e[1].identity, "x@intel.com");
	expect_str(a->e[1].domain, "intel.com");
	expect_str(a->e[2].domain, "intel.com");
	authres_free(a);
	/* Office 365: no authserv-id, "action=", a bare domain in between */
	a = ar("spf=pass (sender IP is 40.107.1.2) smtp.mailfrom=example.com; "
	    "contoso.com; dkim=pass (signature was verified) header.d="
	    "example.com;dmarc=pass action=none header.from=example.com;"
	    "compauth=pass reason=100");
	assert_null(a->authserv_id);
	assert_int_equal(a->n, 4);
	assert_int_equal(a->e[0].method, AR_SPF);
	assert_int_equal(a->e[1].method, AR_DKIM);
	assert_int_equal(a->e[2].method, AR_DMARC);
	expect_str(a->e[2].domain, "example.com");
	assert_string_equal(a->e[3].method_name, "compauth");
	expect_str(a->e[3].reason, "100");
	authres_free(a);
	/* Yahoo: a comment glued to the result; a quoted authserv-id */
	a = ar("atlas.yahoo.com; dkim=pass header.i=@gmail.com header.s="
	    "20210112; spf=pass smtp.mailfrom=gmail.com; dmarc=pass(p=NONE) "
	    "header.from=gmail.com;");
	assert_int_equal(a->n, 3);
	expect_str(a->e[2].domain, "gmail.com");
	authres_free(a);
	a = ar("\"mx.google.com\"; dkim=pass header.i=@email.example.com "
	    "header.b=\"URn9MW+F\" (comment); spf=softfail (x) smtp.mailfrom="
	    "a@b.example");
	assert_string_equal(a->authserv_id, "mx.google.com");
	assert_int_equal(a->e[1].value, AR_SOFTFAIL);
	authres_free(a);
	/* Fastmail: many properties, x- methods, smtp.helo */
	a = ar("mx6.messagingengine.com;\r\n    arc=none (no signatures "
	    "found);\r\n    dkim=pass (2048-bit rsa key sha256) header.d="
	    "example.org header.i=@example.org header.b=Xy+z header.a=rsa-"
	    "sha256 header.s=fm1 x-bits=2048;\r\n    dmarc=pass policy."
	    "published-domain-policy=none header.from=example.org;\r\n    "
	    "iprev=pass smtp.remote-ip=192.0.2.1 (out.example.org);\r\n    "
	    "spf=pass smtp.helo=out.example.org;\r\n    x-aligned-from=pass "
	    "(Address match)");
	assert_int_equal(a->n, 6);
	assert_int_equal(a->e[0].method, AR_ARC);
	assert_int_equal(a->e[0].value, AR_NONE);
	expect_str(a->e[1].selector, "fm1");
	expect_str(a->e[4].domain, "out.example.org");
	assert_string_equal(a->e[5].method_name, "x-aligned-from");
	authres_free(a);
}

static void
test_authres_sloppy(void **state)
{
	static const char *const junk[] = {
		"", ";;;", "(((", "x; dkim=", "x", "=", "; spf", "\"unterminated",
		"a.example; spf=(", "a; b; c", ")", "x; none; none",
	};
	struct authres *a;
	size_t i;

	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		authres_free(authres_parse(junk[i]));
	assert_null(authres_parse(NULL));
	assert_null(authres_parse(""));
	assert_null(authres_parse("x; dkim="));
	/* nested comments with ';' and escapes; quoted pairs in a value */
	a = ar("example.com; dkim=pass (a (b; c) \\) d) header.d=x.example; "
	    "spf=hardfail reason=\"a \\\"quoted\\\" word\" smtp.mailfrom=y");
	assert_int_equal(a->n, 2);
	expect_str(a->e[0].domain, "x.example");
	assert_int_equal(a->e[1].value, AR_FAIL);
	expect_str(a->e[1].reason, "a \"quoted\" word");
	authres_free(a);
	a = ar("example.com; DKIM=Pass header.d=x.example; spf=bestguesspass "
	    "smtp.mailfrom=y.example; dmarc=strange header.from=z.example");
	assert_int_equal(a->e[0].method, AR_DKIM);
	assert_int_equal(a->e[0].value, AR_PASS);
	assert_string_equal(a->e[0].value_name, "pass");
	assert_int_equal(a->e[1].value, AR_BESTGUESSPASS);
	assert_int_equal(a->e[2].value, AR_UNKNOWN);
	authres_free(a);
	authres_free(NULL);
}

static void
test_authres_pick(void **state)
{
	const char *v[] = {
		"example.com 2; spf=pass smtp.mailfrom=a",
		"mx.other.example; spf=fail smtp.mailfrom=a",
		"mx.mine.example; spf=pass smtp.mailfrom=a",
	};

	assert_int_equal(authres_pick(v, 3, NULL), 1);
	assert_int_equal(authres_pick(v, 3, "MX.Mine.Example"), 2);
	assert_int_equal(authres_pick(v, 3, "nowhere.example"), -1);
	assert_int_equal(authres_pick(v, 0, NULL), -1);
}

/* The words for people. */
static void
test_authres_words(void **state)
{
	static const struct {
		const char *value, *want;
	} cases[] = {
		{ "x; dkim=pass header.d=example.com",
		  "DKIM: signed by example.com, signature valid" },
		{ "x; dkim=fail header.i=@example.com",
		  "DKIM: signed by example.com, but the signature does not "
		  "match: the message may have been changed" },
		{ "x; dkim=none", "DKIM: the message is not signed" },
		{ "x; dkim=pass", "DKIM: signed by (no domain given), "
		  "signature valid" },
		{ "x; spf=pass smtp.mailfrom=bob@example.com",
		  "SPF: the sending server may send mail for example.com" },
		{ "x; spf=fail smtp.mailfrom=example.com",
		  "SPF: the sending server may NOT send mail for example.com" },
		{ "x; spf=none smtp.helo=mx.example.com",
		  "SPF: mx.example.com publishes no SPF policy" },
		{ "x; dmarc=pass header.from=example.com",
		  "DMARC: the sender's domain example.com is authenticated" },
		{ "x; dmarc=fail header.from=example.com",
		  "DMARC: the sender's domain example.com is NOT "
		  "authenticated: the From address may be forged" },
		{ "x; arc=pass", "ARC: the chain of forwarders that vouch for "
		  "the message is intact" },
		{ "x; compauth=pass reason=100", "compauth: pass" },
		{ "x; dmarc=policy header.from=a", "DMARC: policy" },
	};
	struct authres *a;
	char *s;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		a = ar(cases[i].value);
		s = authres_describe(&a->e[0]);
		assert_string_equal(s, cases[i].want);
		free(s);
		authres_free(a);
	}
	assert_string_equal(authres_value_name(AR_TEMPERROR), "temperror");
}

static void
test_names(void **state)
{
	assert_string_equal(transit_verdict_name(TRANSIT_CLEAR), "clear");
	assert_string_equal(transit_hop_verdict_name(HOP_LOCAL), "local");
	assert_string_equal(transit_why_name(WHY_NO_PEER), "no-peer");
	assert_string_equal(transit_tls_name(TV_TLS13), "TLS1.3");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_postfix_tls13),
		cmocka_unit_test(test_postfix_tls12_folded_lf),
		cmocka_unit_test(test_postfix_plain),
		cmocka_unit_test(test_postfix_local),
		cmocka_unit_test(test_exim_new),
		cmocka_unit_test(test_exim_old),
		cmocka_unit_test(test_exim_plain_and_local),
		cmocka_unit_test(test_sendmail),
		cmocka_unit_test(test_google),
		cmocka_unit_test(test_microsoft),
		cmocka_unit_test(test_mimecast_courier_opensmtpd),
		cmocka_unit_test(test_qmail_dovecot_fetchmail),
		cmocka_unit_test(test_webmail),
		cmocka_unit_test(test_vger_semicolon_in_comment),
		cmocka_unit_test(test_spoofed_names),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_folding),
		cmocka_unit_test(test_message_verdicts),
		cmocka_unit_test(test_message_dropped),
		cmocka_unit_test(test_message_authres),
		cmocka_unit_test(test_authres_rfc8601),
		cmocka_unit_test(test_authres_providers),
		cmocka_unit_test(test_authres_sloppy),
		cmocka_unit_test(test_authres_pick),
		cmocka_unit_test(test_authres_words),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests_name("transit", tests, NULL, NULL);
}
