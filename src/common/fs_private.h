/* Helpers shared inside src/common/ only; not part of the public API. */
#ifndef SSLM_COMMON_FS_PRIVATE_H
#define SSLM_COMMON_FS_PRIVATE_H

#include <stddef.h>

struct sslm_err;

/* write() until done, retrying on EINTR; -1 with errno on failure. */
int fs_write_all(int fd, const void *data, size_t len);
/* fsync the directory that holds path (makes a rename durable). */
int fs_fsync_parent(const char *path, struct sslm_err *err);

#endif /* SSLM_COMMON_FS_PRIVATE_H */
