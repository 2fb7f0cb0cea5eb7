/* The ~/.ssh/config subset (ssh_config.c) and known_hosts (ssh_hostkey.c). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "deploy/ssh_int.h"
#include "tests/unit/test_ssh.h"

START_TEST(host_patterns)
{
	ck_assert(ssh_host_pattern_match("mail.test", "mail.test"));
	ck_assert(ssh_host_pattern_match("MAIL.test", "mail.TEST"));
	ck_assert(ssh_host_pattern_match("*.test", "web.test"));
	ck_assert(!ssh_host_pattern_match("*.test", "web.example"));
	ck_assert(ssh_host_pattern_match("w?b.test", "web.test"));
	ck_assert(ssh_host_pattern_match("a.test b.test", "b.test"));
	ck_assert(ssh_host_pattern_match("a.test,b.test", "b.test"));
	/* a negated match wins over any positive one */
	ck_assert(!ssh_host_pattern_match("*.test !secret.test", "secret.test"));
	ck_assert(ssh_host_pattern_match("*.test !secret.test", "open.test"));
	ck_assert(!ssh_host_pattern_match("!secret.test", "open.test"));
	/* '[' is literal (known_hosts "[host]:port" names) */
	ck_assert(ssh_host_pattern_match("[127.0.0.4]:2222", "[127.0.0.4]:2222"));
	ck_assert(!ssh_host_pattern_match("[127.0.0.4]:2222", "1"));
	ck_assert(ssh_host_pattern_match("*", "anything"));
}
END_TEST

START_TEST(first_value_wins)
{
	struct ssh_cfg_values v;
	struct strvec w;
	struct sslm_err err;
	const char *cfg = ts_write("config",
	    "# comment\n"
	    "Host mail.test\n"
	    "    HostName 127.0.0.4\n"
	    "    Port=2222\n"
	    "    User \"deploy\"\n"
	    "    IdentityFile ~/.ssh/id_mail\n"
	    "    UserKnownHostsFile /k/one /k/two\n"
	    "\n"
	    "Host *.test\n"
	    "    HostName ignored.example\n"
	    "    Port 2200\n"
	    "    IdentityFile /keys/%h.key\n"
	    "    StrictHostKeyChecking accept-new\n"
	    "    ConnectTimeout 7\n"
	    "    ForwardAgent yes\n"
	    "Host *\n"
	    "    User nobody\n");

	ssh_cfg_values_init(&v);
	strvec_init(&w);
	ck_assert_int_eq(ssh_cfg_read(cfg, "mail.test", &v, &w, &err), 0);
	ck_assert_str_eq(v.hostname, "127.0.0.4");
	ck_assert_int_eq(v.port, 2222);
	ck_assert_str_eq(v.user, "deploy");
	ck_assert_uint_eq(v.identity_files.n, 2);	/* IdentityFile adds up */
	ck_assert_str_eq(v.identity_files.v[0], "~/.ssh/id_mail");
	ck_assert_str_eq(v.identity_files.v[1], "/keys/%h.key");
	ck_assert_uint_eq(v.known_hosts.n, 2);
	ck_assert_str_eq(v.known_hosts.v[1], "/k/two");
	ck_assert_int_eq(v.strict, 1);
	ck_assert_int_eq(v.connect_timeout, 7);
	ck_assert_uint_eq(w.n, 0);
	ssh_cfg_values_clear(&v);

	/* another host: only the wildcard blocks */
	ck_assert_int_eq(ssh_cfg_read(cfg, "web.test", &v, &w, &err), 0);
	ck_assert_str_eq(v.hostname, "ignored.example");
	ck_assert_int_eq(v.port, 2200);
	ck_assert_str_eq(v.user, "nobody");
	ssh_cfg_values_clear(&v);
	ck_assert_int_eq(ssh_cfg_read(cfg, "other.example", &v, &w, &err), 0);
	ck_assert_ptr_null(v.hostname);
	ck_assert_int_eq(v.port, 0);
	ck_assert_int_eq(v.strict, -1);
	ssh_cfg_values_clear(&v);
	strvec_clear(&w);
}
END_TEST

START_TEST(warnings_and_errors)
{
	struct ssh_cfg_values v;
	struct strvec w;
	struct sslm_err err;
	const char *cfg = ts_write("config",
	    "Include /etc/ssh/ssh_config.d/*.conf\n"
	    "Host a.test\n"
	    "    StrictHostKeyChecking no\n"
	    "Match host b.test\n"
	    "    Port 1\n"
	    "Host b.test\n"
	    "    Port 99999\n");

	ssh_cfg_values_init(&v);
	strvec_init(&w);
	ck_assert_int_eq(ssh_cfg_read(cfg, "a.test", &v, &w, &err), 0);
	ck_assert_int_eq(v.strict, 0);
	ck_assert_uint_eq(w.n, 3);
	ck_assert_ptr_nonnull(strstr(w.v[0], "config:1: Include is not followed"));
	ck_assert_ptr_nonnull(strstr(w.v[1], "config:3: StrictHostKeyChecking no is treated as yes"));
	ck_assert_ptr_nonnull(strstr(w.v[2], "config:4: Match blocks are not read"));
	ssh_cfg_values_clear(&v);
	/* a Match block's lines apply to nobody; a bad port names file:line */
	ck_assert_int_eq(ssh_cfg_read(cfg, "b.test", &v, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "config:7: Port '99999'"));
	ssh_cfg_values_clear(&v);
	/* a missing file is no error; an unreadable one (a folder) is */
	ck_assert_int_eq(ssh_cfg_read(ts_path("none"), "a.test", &v, NULL, &err), 0);
	ck_assert_int_eq(mkdir(ts_path("dir"), 0700), 0);
	ck_assert_int_eq(ssh_cfg_read(ts_path("dir"), "a.test", &v, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "ssh config"));
	ts_write("bad", "Host x\n StrictHostKeyChecking maybe\n");
	ck_assert_int_eq(ssh_cfg_read(ts_path("bad"), "x", &v, NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "use yes or accept-new"));
	ssh_cfg_values_clear(&v);
	strvec_clear(&w);
}
END_TEST

START_TEST(tokens)
{
	char *s;

	setenv("HOME", "/home/tester", 1);
	s = ssh_cfg_expand("~/.ssh/id_%h_%r", "mail.test", "deploy");
	ck_assert_str_eq(s, "/home/tester/.ssh/id_mail.test_deploy");
	free(s);
	s = ssh_cfg_expand("%d/x%%", "h", NULL);
	ck_assert_str_eq(s, "/home/tester/x%");
	free(s);
	ck_assert_ptr_null(ssh_cfg_expand("%Q", "h", NULL));
}
END_TEST

/* A real key from ssh-keygen: its blob, our fingerprint and ssh-keygen's. */
static unsigned char *
keygen_blob(const char *name, size_t *len, char **fp_keygen, char **b64_out)
{
	char cmd[8192], line[8192], b64[4096];
	unsigned char *blob;
	FILE *p;
	int n;

	snprintf(cmd, sizeof(cmd), "ssh-keygen -q -t ed25519 -N '' -f '%s' "
	    ">/dev/null 2>&1 && ssh-keygen -lf '%s.pub' -E sha256", ts_path(name),
	    ts_path(name));
	ck_assert_ptr_nonnull(p = popen(cmd, "r"));
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), p));
	pclose(p);
	*fp_keygen = str_printf("%.*s", (int)strcspn(line + 4, " "), line + 4);
	snprintf(cmd, sizeof(cmd), "%s.pub", ts_path(name));
	ck_assert_ptr_nonnull(p = fopen(cmd, "r"));
	ck_assert_int_eq(fscanf(p, "%*s %4000s", b64), 1);
	fclose(p);
	blob = malloc(strlen(b64));
	n = EVP_DecodeBlock(blob, (unsigned char *)b64, (int)strlen(b64));
	ck_assert_int_gt(n, 0);
	*len = (size_t)n - (b64[strlen(b64) - 1] == '=') - (b64[strlen(b64) - 2] == '=');
	*b64_out = str_dup(b64);
	return blob;
}

START_TEST(fingerprint_as_ssh_keygen)
{
	size_t len;
	char *want, *b64, *fp, *type;
	unsigned char *blob = keygen_blob("k1", &len, &want, &b64);

	fp = ssh_fingerprint_sha256(blob, len);
	ck_assert_str_eq(fp, want);
	ck_assert_str_eq(type = ssh_key_type_name(blob, len), "ssh-ed25519");
	ck_assert_ptr_null(ssh_key_type_name(blob, 3));
	free(type);
	free(fp);
	free(want);
	free(b64);
	free(blob);
}
END_TEST

START_TEST(known_hosts_verdicts)
{
	size_t len, len2;
	char *fp, *fp2, *b64, *b642, *where = NULL, *kh;
	unsigned char *blob = keygen_blob("k1", &len, &fp, &b64);
	unsigned char *other = keygen_blob("k2", &len2, &fp2, &b642);
	struct strvec files, names, types;
	struct sslm_err err;
	char cmd[4096];

	strvec_init(&files);
	strvec_init(&names);
	strvec_init(&types);
	strvec_push(&files, ts_path("missing"));
	kh = str_printf("# comment\n@cert-authority *.test ssh-ed25519 %s\n"
	    "[mail.test]:2222,[127.0.0.4]:2222 ssh-ed25519 %s host1\n"
	    "web.test ssh-ed25519 %s\n", b642, b64, b642);
	strvec_push(&files, ts_write("known_hosts", kh));
	strvec_push_owned(&names, ssh_known_name("mail.test", 2222));
	ck_assert_str_eq(names.v[0], "[mail.test]:2222");
	ck_assert_int_eq(ssh_hostkey_check(&files, &names, blob, len, &where),
	    SSH_HOSTKEY_MATCH);
	/* the other key under the same name: changed, with file:line */
	ck_assert_int_eq(ssh_hostkey_check(&files, &names, other, len2, &where),
	    SSH_HOSTKEY_CHANGED);
	ck_assert_ptr_nonnull(strstr(where, "known_hosts:3"));
	free(where);
	/* port 22 names carry no brackets; an unknown name is unknown */
	strvec_clear(&names);
	strvec_push_owned(&names, ssh_known_name("nowhere.test", 22));
	ck_assert_str_eq(names.v[0], "nowhere.test");
	ck_assert_int_eq(ssh_hostkey_check(&files, &names, blob, len, &where),
	    SSH_HOSTKEY_UNKNOWN);
	ssh_hostkey_known_types(&files, &names, &types);
	ck_assert_uint_eq(types.n, 0);
	/* accept-new appends; a hashed line (ssh-keygen -H) is understood */
	ck_assert_int_eq(ssh_hostkey_append(ts_path("new/kh"), "nowhere.test",
	    blob, len, &err), 0);
	strvec_clear(&files);
	strvec_push(&files, ts_path("new/kh"));
	ck_assert_int_eq(ssh_hostkey_check(&files, &names, blob, len, &where),
	    SSH_HOSTKEY_MATCH);
	snprintf(cmd, sizeof(cmd), "ssh-keygen -H -f '%s' >/dev/null 2>&1",
	    ts_path("new/kh"));
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(ssh_hostkey_check(&files, &names, blob, len, &where),
	    SSH_HOSTKEY_MATCH);
	ck_assert_int_eq(ssh_hostkey_check(&files, &names, other, len2, &where),
	    SSH_HOSTKEY_CHANGED);
	free(where);
	ssh_hostkey_known_types(&files, &names, &types);
	ck_assert_uint_eq(types.n, 1);
	ck_assert_str_eq(types.v[0], "ssh-ed25519");
	/* @revoked wins */
	free(kh);
	kh = str_printf("@revoked * ssh-ed25519 %s\nnowhere.test ssh-ed25519 %s\n",
	    b64, b64);
	strvec_clear(&files);
	strvec_push(&files, ts_write("revoked", kh));
	ck_assert_int_eq(ssh_hostkey_check(&files, &names, blob, len, &where),
	    SSH_HOSTKEY_REVOKED);
	free(kh);
	strvec_clear(&files);
	strvec_clear(&names);
	strvec_clear(&types);
	free(fp);
	free(fp2);
	free(b64);
	free(b642);
	free(blob);
	free(other);
}
END_TEST

TCase *
ssh_config_tcase(void)
{
	TCase *tc = tcase_create("config and known_hosts");

	tcase_add_checked_fixture(tc, ts_setup, ts_teardown);
	tcase_add_test(tc, host_patterns);
	tcase_add_test(tc, first_value_wins);
	tcase_add_test(tc, warnings_and_errors);
	tcase_add_test(tc, tokens);
	tcase_add_test(tc, fingerprint_as_ssh_keygen);
	tcase_add_test(tc, known_hosts_verdicts);
	return tc;
}
