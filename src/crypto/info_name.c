/*
 * Text pieces of the sslm-info summary: names as RFC 4514 strings
 * (tools.md §2.4), key descriptions (§2.6) and the SAN list (§2.5).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/objects.h>

#include "crypto/info_int.h"

/* ---- a growing string ---------------------------------------------------- */

struct sbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void
sb_add(struct sbuf *sb, const char *s, size_t n)
{
	char *np;
	size_t ncap;

	if (sb->oom)
		return;
	if (sb->len + n + 1 > sb->cap) {
		ncap = sb->cap == 0 ? 128 : sb->cap;
		while (ncap < sb->len + n + 1)
			ncap *= 2;
		if ((np = realloc(sb->p, ncap)) == NULL) {
			sb->oom = true;
			return;
		}
		sb->p = np;
		sb->cap = ncap;
	}
	memcpy(sb->p + sb->len, s, n);
	sb->len += n;
	sb->p[sb->len] = '\0';
}

static void
sb_str(struct sbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

/* ---- RFC 4514 ---------------------------------------------------------- */

/* The attribute types the original (Python cryptography) prints by name;
 * every other type is printed as its dotted OID, emailAddress included
 * (decisions.md "E-mail attribute in names"). */
static const struct {
	int nid;
	const char *name;
} short_names[] = {
	{ NID_commonName, "CN" },
	{ NID_localityName, "L" },
	{ NID_stateOrProvinceName, "ST" },
	{ NID_organizationName, "O" },
	{ NID_organizationalUnitName, "OU" },
	{ NID_countryName, "C" },
	{ NID_streetAddress, "STREET" },
	{ NID_domainComponent, "DC" },
	{ NID_userId, "UID" },
};

static void
attr_type(struct sbuf *sb, const ASN1_OBJECT *obj)
{
	char oid[128];
	int nid = OBJ_obj2nid(obj);

	for (size_t i = 0; i < sizeof(short_names) / sizeof(short_names[0]); i++)
		if (nid != NID_undef && short_names[i].nid == nid) {
			sb_str(sb, short_names[i].name);
			return;
		}
	/* 128 bytes hold any OID met in practice; a longer one is cut, which
	 * only shortens a display string. */
	OBJ_obj2txt(oid, sizeof(oid), obj, 1);
	sb_str(sb, oid);
}

static void
hex_escape(struct sbuf *sb, unsigned char c)
{
	char h[4];

	snprintf(h, sizeof(h), "\\%02X", c);
	sb_add(sb, h, 3);
}

/* RFC 4514 §2.4 escaping of one UTF-8 value, plus control characters as
 * hex pairs (a terminal must never see them raw). */
static void
attr_value(struct sbuf *sb, const unsigned char *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = v[i];

		if (c < 0x20 || c == 0x7f) {
			hex_escape(sb, c);
		} else if (c == 0xc2 && i + 1 < n && v[i + 1] >= 0x80 &&
		    v[i + 1] <= 0x9f) {
			hex_escape(sb, c);
			hex_escape(sb, v[++i]);
		} else {
			if (strchr(",+\"\\<>;", c) != NULL ||
			    (i == 0 && (c == '#' || c == ' ')) ||
			    (i == n - 1 && c == ' '))
				sb_add(sb, "\\", 1);
			sb_add(sb, (const char *)&c, 1);
		}
	}
}

static int
add_entry(struct sbuf *sb, const X509_NAME_ENTRY *ne)
{
	unsigned char *utf8 = NULL;
	int n;

	attr_type(sb, X509_NAME_ENTRY_get_object(ne));
	sb_add(sb, "=", 1);
	if ((n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(ne))) < 0)
		return -1;
	attr_value(sb, utf8, (size_t)n);
	OPENSSL_free(utf8);
	return 0;
}

char *
info_name_rfc4514(const X509_NAME *nm)
{
	struct sbuf sb = { NULL, 0, 0, false };
	int n = nm != NULL ? X509_NAME_entry_count(nm) : 0;

	sb_add(&sb, "", 0);
	/* Last RDN first; the entries of one RDN are adjacent and share a
	 * set number, and keep their encoding order inside the RDN. */
	for (int last = n - 1; last >= 0;) {
		int set = X509_NAME_ENTRY_set(X509_NAME_get_entry(nm, last));
		int first = last;

		while (first > 0 &&
		    X509_NAME_ENTRY_set(X509_NAME_get_entry(nm, first - 1)) == set)
			first--;
		if (last != n - 1)
			sb_add(&sb, ",", 1);
		for (int i = first; i <= last; i++) {
			if (i != first)
				sb_add(&sb, "+", 1);
			if (add_entry(&sb, X509_NAME_get_entry(nm, i)) != 0) {
				ERR_clear_error();
				free(sb.p);
				return NULL;
			}
		}
		last = first - 1;
	}
	if (sb.oom) {
		free(sb.p);
		return NULL;
	}
	return sb.p;
}

/* ---- keys -------------------------------------------------------------- */

void
info_key_desc(EVP_PKEY *pk, bool is_private, char *out, size_t n)
{
	char group[80];
	size_t glen = 0;
	int nid;

	out[0] = '\0';
	if (pk == NULL) {
		/* X509_get0_pubkey() of an unknown key type left its reason */
		ERR_clear_error();
		return;
	}
	if (EVP_PKEY_is_a(pk, "RSA") || EVP_PKEY_is_a(pk, "RSA-PSS")) {
		snprintf(out, n, "rsa-%d", EVP_PKEY_get_bits(pk));
	} else if (EVP_PKEY_is_a(pk, "DSA")) {
		snprintf(out, n, "dsa-%d", EVP_PKEY_get_bits(pk));
	} else if (EVP_PKEY_is_a(pk, "ED25519")) {
		snprintf(out, n, "ed25519");
	} else if (EVP_PKEY_is_a(pk, "ED448")) {
		snprintf(out, n, "ed448");
	} else if (EVP_PKEY_is_a(pk, "X448")) {
		snprintf(out, n, "x448");
	} else if (EVP_PKEY_is_a(pk, "DH") || EVP_PKEY_is_a(pk, "DHX")) {
		/* tools.md §2.6 names DH private keys only (the original had
		 * no case for DH public keys). */
		if (is_private)
			snprintf(out, n, "dh-%d", EVP_PKEY_get_bits(pk));
	} else if (EVP_PKEY_is_a(pk, "EC")) {
		/* Explicit curve parameters have no name: unknown. */
		if (EVP_PKEY_get_group_name(pk, group, sizeof(group), &glen) != 1)
			return;
		if ((nid = OBJ_sn2nid(group)) == NID_undef)
			nid = EC_curve_nist2nid(group);
		/* The original prints SEC names; OpenSSL calls the two X9.62
		 * prime curves that have SEC twins primeNNNv1. */
		if (nid == NID_X9_62_prime256v1)
			snprintf(out, n, "secp256r1");
		else if (nid == NID_X9_62_prime192v1)
			snprintf(out, n, "secp192r1");
		else
			snprintf(out, n, "%s", nid != NID_undef ?
			    OBJ_nid2sn(nid) : group);
	}
	ERR_clear_error();
}

/* ---- SANs -------------------------------------------------------------- */

int
info_sans_append(const GENERAL_NAMES *gens, struct strvec *sans)
{
	int n = sk_GENERAL_NAME_num(gens);

	/* DNS names first, then addresses: the original's order. */
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < n; i++) {
			const GENERAL_NAME *gn = sk_GENERAL_NAME_value(gens, i);
			const ASN1_STRING *s;
			const unsigned char *d;
			char ip[CRYPTO_FMT_MAX], *v;
			int type, len;

			s = GENERAL_NAME_get0_value(gn, &type);
			if (type != (pass == 0 ? GEN_DNS : GEN_IPADD))
				continue;
			d = ASN1_STRING_get0_data(s);
			len = ASN1_STRING_length(s);
			if (pass == 1) {
				if (crypto_fmt_ip(d, (size_t)len, ip, sizeof(ip)) != 0)
					continue;
				v = strdup(ip);
			} else if ((v = malloc((size_t)len + 1)) != NULL) {
				for (int j = 0; j < len; j++)
					v[j] = d[j] >= 0x20 && d[j] < 0x7f ?
					    (char)d[j] : '?';
				v[len] = '\0';
			}
			if (strvec_push_owned(sans, v) != 0)
				return -1;
		}
	}
	return 0;
}

/* Wrap width of the SAN list and the indent of continuation lines. */
#define SANS_WIDTH 60
#define SANS_INDENT "           "

void
info_print_sans(BIO *out, const struct strvec *sans)
{
	size_t total = 0;

	if (sans->n == 0)
		return;
	BIO_puts(out, "Sans     : ");
	for (size_t i = 0; i < sans->n; i++) {
		/* Only entry lengths count, and a wrapped entry's own length is
		 * not carried over: the original's arithmetic (quirk I9). */
		total += strlen(sans->v[i]);
		if (total > SANS_WIDTH) {
			BIO_puts(out, "\n" SANS_INDENT);
			total = 0;
		}
		BIO_printf(out, "%s, ", sans->v[i]);
	}
	BIO_puts(out, "\n");
}
