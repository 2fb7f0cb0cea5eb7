# common/: errors, strings, files, processes, logging, locking, time
libsslm_a_SOURCES += \
	src/common/common.h \
	src/common/err.c \
	src/common/str.c
