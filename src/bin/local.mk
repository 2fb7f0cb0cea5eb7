# bin/: the programs' thin main() files
bin_PROGRAMS += sslm-mgr
sslm_mgr_SOURCES = src/bin/sslm-mgr.c
sslm_mgr_LDADD = $(SSLM_LIBS)
