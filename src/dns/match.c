/*
 * Judging answers: why a query failed, whether an answer holds a value
 * (whole-value TXT matching of field case 04, TLSA fields and hex), and
 * making network text safe for log lines.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/ns_int.h"

static const char *const reason_words[] = {
	[NSR_OK] = "ok",
	[NSR_NOADDR] = "no address",
	[NSR_UNREACHABLE] = "unreachable",
	[NSR_TIMEOUT] = "timeout",
	[NSR_NETERR] = "network error",
	[NSR_REFUSED] = "refused",
	[NSR_SERVFAIL] = "servfail",
	[NSR_RCODE] = "rcode",
	[NSR_NXDOMAIN] = "nxdomain",
	[NSR_NOTAUTH] = "not authoritative",
	[NSR_MISSING] = "missing",
};

enum ns_reason
ns_query_reason(const struct dnsq *q, bool need_aa)
{
	switch (q->outcome) {
	case DNSQ_ANSWER:
		break;
	case DNSQ_NOADDR:
		return NSR_NOADDR;
	case DNSQ_UNREACHABLE:
		return NSR_UNREACHABLE;
	case DNSQ_TIMEOUT:
		return NSR_TIMEOUT;
	default:
		return NSR_NETERR;
	}
	switch (q->rcode) {
	case LDNS_RCODE_NOERROR:
		break;
	case LDNS_RCODE_REFUSED:
		return NSR_REFUSED;
	case LDNS_RCODE_SERVFAIL:
		return NSR_SERVFAIL;
	case LDNS_RCODE_NXDOMAIN:
		return NSR_NXDOMAIN;
	default:
		return NSR_RCODE;
	}
	return (need_aa && !q->aa) ? NSR_NOTAUTH : NSR_OK;
}

void
ns_reason_text(enum ns_reason r, int rcode, char *buf, size_t size)
{
	const ldns_lookup_table *lt;
	size_t i;

	if (r == NSR_RCODE) {
		lt = ldns_lookup_by_id(ldns_rcodes, rcode);
		if (lt == NULL || lt->name == NULL) {
			snprintf(buf, size, "rcode %d", rcode);
			return;
		}
		/* Lower case like the other words: "formerr", "notimpl". */
		for (i = 0; i + 1 < size && lt->name[i] != '\0'; i++)
			buf[i] = (char)tolower((unsigned char)lt->name[i]);
		if (size > 0)
			buf[i] = '\0';
		return;
	}
	if ((size_t)r >= sizeof(reason_words) / sizeof(reason_words[0]))
		r = NSR_NETERR;
	snprintf(buf, size, "%s", reason_words[r]);
}

char *
ns_sanitize(const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;
	char *out, *p;

	if (s == NULL)
		s = "";
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		n += (*c < 0x20 || *c > 0x7e || *c == '\\') ? 4 : 1;
	if ((out = malloc(n + 1)) == NULL)
		return NULL;
	p = out;
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c < 0x20 || *c > 0x7e || *c == '\\') {
			*p++ = '\\';
			*p++ = 'x';
			*p++ = hex[*c >> 4];
			*p++ = hex[*c & 15];
		} else
			*p++ = (char)*c;
	}
	*p = '\0';
	return out;
}

char *
ns_dname_text(const ldns_rdf *d)
{
	char *t, *clean;

	/* ldns writes odd bytes as \DDD, so the text is printable already;
	 * sanitising again costs little and keeps the promise local. */
	if ((t = ldns_rdf2str(d)) == NULL)
		return NULL;
	for (char *p = t; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	clean = ns_sanitize(t);
	free(t);
	return clean;
}

const char *
ns_type_name(enum dns_rrtype t)
{
	return t == DNS_RR_TLSA ? "TLSA" : "TXT";
}

/* The joined character-strings of one TXT record equal value? */
static bool
txt_equals(const ldns_rr *rr, const char *value)
{
	size_t vlen = strlen(value), off = 0;

	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
		const ldns_rdf *f = ldns_rr_rdf(rr, i);
		const uint8_t *d = ldns_rdf_data(f);
		size_t sz = ldns_rdf_size(f), len;

		if (ldns_rdf_get_type(f) != LDNS_RDF_TYPE_STR || sz < 1)
			return false;
		len = d[0];		/* character-string: length byte first */
		if (len + 1 > sz || len > vlen - off ||
		    memcmp(d + 1, value + off, len) != 0)
			return false;
		off += len;
	}
	return off == vlen;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

/* Parse a decimal field 0..255 at *p, skipping leading blanks. */
static bool
u8_field(const char **p, unsigned *out)
{
	unsigned v = 0;
	int digits = 0;

	while (**p == ' ' || **p == '\t')
		(*p)++;
	for (; isdigit((unsigned char)**p) && digits < 4; (*p)++, digits++)
		v = v * 10 + (unsigned)(**p - '0');
	if (digits == 0 || digits > 3 || v > 255)
		return false;
	*out = v;
	return true;
}

/* "<usage> <selector> <match> <hex>" against one TLSA record; the hex may
 * be split by blanks (zone-file style) and is compared case-insensitively. */
static bool
tlsa_equals(const ldns_rr *rr, const char *value)
{
	const char *p = value;
	unsigned f[3];
	const uint8_t *d;
	size_t sz, i = 0;
	int hi, lo;

	if (ldns_rr_rd_count(rr) != 4)
		return false;
	for (int k = 0; k < 3; k++) {
		const ldns_rdf *r = ldns_rr_rdf(rr, (size_t)k);

		if (!u8_field(&p, &f[k]) || ldns_rdf_size(r) != 1 ||
		    ldns_rdf2native_int8(r) != f[k])
			return false;
	}
	d = ldns_rdf_data(ldns_rr_rdf(rr, 3));
	sz = ldns_rdf_size(ldns_rr_rdf(rr, 3));
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		if ((hi = hexval((unsigned char)p[0])) < 0 ||
		    (lo = hexval((unsigned char)p[1])) < 0 || i >= sz ||
		    d[i] != (uint8_t)(hi << 4 | lo))
			return false;
		p += 2;
		i++;
	}
	return i == sz && sz > 0;
}

bool
ns_answer_has(const ldns_pkt *pkt, const ldns_rdf *owner,
    enum dns_rrtype type, const char *value)
{
	const ldns_rr_list *ans = ldns_pkt_answer(pkt);
	ldns_rr_type want = type == DNS_RR_TLSA ? LDNS_RR_TYPE_TLSA :
	    LDNS_RR_TYPE_TXT;
	size_t n = ldns_rr_list_rr_count(ans);

	if (n > DNSQ_MAX_RRS)
		n = DNSQ_MAX_RRS;
	for (size_t i = 0; i < n; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(ans, i);

		if (ldns_rr_get_type(rr) != want ||
		    ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN ||
		    ldns_dname_compare(ldns_rr_owner(rr), owner) != 0)
			continue;
		if (type == DNS_RR_TLSA ? tlsa_equals(rr, value) :
		    txt_equals(rr, value))
			return true;
	}
	return false;
}

bool
ns_answer_serial(const ldns_pkt *pkt, const ldns_rdf *owner, uint32_t *serial)
{
	const ldns_rr_list *ans = ldns_pkt_answer(pkt);
	size_t n = ldns_rr_list_rr_count(ans);

	if (n > DNSQ_MAX_RRS)
		n = DNSQ_MAX_RRS;
	for (size_t i = 0; i < n; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(ans, i);
		const ldns_rdf *s;

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_SOA ||
		    ldns_rr_rd_count(rr) < 3 ||
		    ldns_dname_compare(ldns_rr_owner(rr), owner) != 0)
			continue;
		s = ldns_rr_rdf(rr, 2);
		if (ldns_rdf_size(s) != 4)
			continue;
		*serial = ldns_rdf2native_int32(s);
		return true;
	}
	return false;
}
