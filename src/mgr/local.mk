# mgr/: orchestration (which groups and services; when to renew, roll, copy)
libsslm_a_SOURCES += \
	src/mgr/mgr.h \
	src/mgr/json_writer.h \
	src/mgr/json_writer.c \
	src/mgr/run_ctx.h \
	src/mgr/run_ctx.c \
	src/mgr/group_dns.h \
	src/mgr/group_dns.c \
	src/mgr/tlsa_step.c \
	src/mgr/renew.c \
	src/mgr/roll.c \
	src/mgr/post.c \
	src/mgr/post_int.h \
	src/mgr/post_hosts.c \
	src/mgr/post_pending.c \
	src/mgr/pending.h \
	src/mgr/pending.c \
	src/mgr/status_view.h \
	src/mgr/status_view.c \
	src/mgr/status_text.c \
	src/mgr/status_json.c \
	src/mgr/run.c

# sslm-cert-expiry's report (tools.md §6)
libsslm_a_SOURCES += \
	src/mgr/expiry.h \
	src/mgr/expiry.c \
	src/mgr/expiry_report.c

# the pending-work file (layout.md §10)
check_PROGRAMS += tests/unit/test_pending
TESTS += tests/unit/test_pending
tests_unit_test_pending_SOURCES = tests/unit/test_pending.c
tests_unit_test_pending_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_pending_LDADD = $(UNIT_LIBS)
