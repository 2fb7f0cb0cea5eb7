/*
 * Private to the sslm-info / sslm-verify code (src/crypto/info_*.c and
 * verify.c): a PEM splitter that keeps every block (keys and CSRs too, not
 * only certificates), and the pieces of the summary layout (tools.md §2.3).
 * Nothing outside src/crypto/ includes this header.
 */
#ifndef SSLM_CRYPTO_INFO_INT_H
#define SSLM_CRYPTO_INFO_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "common/common.h"
#include "crypto/crypto.h"

/* RFC 7468 labels are short; a longer "label" is prose between dashes. */
#define INFO_LABEL_MAX 64

/* Room for a key description ("rsa-16384", "brainpoolP512t1"). */
#define INFO_KEY_DESC_MAX 64

/* One PEM block, in input order. */
struct info_block {
	char label[INFO_LABEL_MAX + 1];
	size_t index;           /* 1-based position among the input's blocks */
	/* No END line, END of another label, a BEGIN inside the block, no
	 * data, bad base64: der is then NULL. */
	bool broken;
	/* An RFC 1421 "Proc-Type: 4,ENCRYPTED" header (legacy encrypted key). */
	bool proc_encrypted;
	unsigned char *der;     /* the decoded body; owned, wiped when freed */
	size_t derlen;
};

/* Walks the blocks of one text; the text must outlive the iterator. */
struct info_iter {
	const char *buf;
	size_t len, pos;
	size_t count;           /* blocks returned so far */
	/* A BEGIN met inside a block ends that block (broken) and starts the
	 * next one; it is remembered here until the next call. */
	bool pending;
	char pending_label[INFO_LABEL_MAX + 1];
	size_t pending_body;
};

void info_iter_init(struct info_iter *it, const char *buf, size_t len);
/*
 * The next block into b (whatever b held is freed first; b must have been
 * zeroed or used with this function before). Returns 1 with a block, 0 at
 * the end of the text, -1 only when memory runs out.
 */
int info_next_block(struct info_iter *it, struct info_block *b);
/* Free (and wipe) what b holds; b is zeroed. */
void info_block_clear(struct info_block *b);

/*
 * nm as the original prints it (tools.md §2.4): RDNs last first, joined by
 * ',', multi-valued RDNs by '+' in encoding order; CN L ST O OU C STREET DC
 * UID by name, every other type as its dotted OID; values escaped as RFC
 * 4514 requires. Control characters (C0, DEL, and C1 in UTF-8) are written
 * as \XX hex pairs, which RFC 4514 allows for any byte, so the string is
 * safe on a terminal and still parses back to the same name. A new string,
 * or NULL when out of memory or a value cannot be turned into UTF-8.
 */
char *info_name_rfc4514(const X509_NAME *nm);

/*
 * Key description of tools.md §2.6 into out (n >= INFO_KEY_DESC_MAX):
 * EC "secp256r1"/"secp384r1"/... (P-256 by its SEC name), "rsa-<bits>",
 * "dsa-<bits>", "ed25519", "ed448", "x448", and "dh-<bits>" for DH private
 * keys only. Anything else (X25519, DH public keys, explicit EC curves,
 * pk NULL) gives "" — the caller prints "key type unknown".
 */
void info_key_desc(EVP_PKEY *pk, bool is_private, char *out, size_t n);

/*
 * Append the SAN entries of gens to sans the way the summary shows them:
 * every DNS name (printable ASCII, other bytes as '?'), then every IP
 * address (crypto_fmt_ip); other types are not shown. -1 when out of memory.
 */
int info_sans_append(const GENERAL_NAMES *gens, struct strvec *sans);

/*
 * Write "Sans     : " and the wrapped list of tools.md §2.5 (each entry
 * followed by ", ", a new line plus 11 spaces once the running total of
 * entry lengths passes 60), then a newline. Nothing for an empty list.
 */
void info_print_sans(BIO *out, const struct strvec *sans);

/*
 * Describe one block on out in the given style (the 70-dash header, if the
 * style has one, is written by the caller). 0 when described; -1 when it
 * cannot be parsed, after writing
 * "Error: cannot parse <label> block <n> of <name>".
 */
int info_describe_block(BIO *out, const struct info_block *b,
    const char *name, enum crypto_info_style style, time_t now);

#endif /* SSLM_CRYPTO_INFO_INT_H */
