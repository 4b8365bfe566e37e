/* Layer 1, POSIX backend: the block other processes read (sys.h).  The
 * file is made under another name and renamed once locked, so that a
 * reader never sees it unlocked; files of processes gone (unlocked) are
 * removed when a block is made, since a process that ends leaves its own. */

#include "sys.h"
#include "report.h"
#include "tpoolshared.h"

#include <dirent.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void remove_stale_blocks(const char *dir)
{
    struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1 };
    char path[4096];
    struct dirent *entry;
    DIR *listing;
    int fd;

    if (!(listing = opendir(dir)))
        return;
    while ((entry = readdir(listing)))
    {
        if (!tpool_shared_is_block_name(entry->d_name))
            continue;
        text_format(path, sizeof(path), "%s/%s", dir, entry->d_name);
        if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
            continue;
        lock.l_type = F_WRLCK;
        if (!fcntl(fd, F_GETLK, &lock) && lock.l_type == F_UNLCK)
            unlink(path);
        close(fd);
    }
    closedir(listing);
}

void *shared_block_create(SIZE_T size)
{
    const char *dir = getenv("TPOOL_SHARED_DIR");
    struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1 };
    char path[4096], temporary[4096];
    void *block;
    int fd;

    if (!dir || !*dir)
        dir = "/dev/shm";
    text_format(path, sizeof(path), "%s/tpool-%ld", dir, (long)getpid());
    text_format(temporary, sizeof(temporary), "%s/.tpool-new-%ld", dir, (long)getpid());
    if ((fd = open(temporary, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
        return NULL;
    if (fcntl(fd, F_SETLK, &lock) || ftruncate(fd, (off_t)size) ||
        (block = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) == MAP_FAILED)
    {
        unlink(temporary);
        close(fd);
        return NULL;
    }
    remove_stale_blocks(dir);
    if (rename(temporary, path))
    {
        unlink(temporary);
        munmap(block, size);
        close(fd);
        return NULL;
    }
    /* the descriptor stays open: closing it would release the lock */
    return block;
}
