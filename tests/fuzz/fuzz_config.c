/* fuzz_config.c: config_load() on any file: no crash, FILE:LINE errors. */
#include "build-config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/starling-fuzz-config.XXXXXX", *err = NULL;
	struct config *cfg = NULL;
	int fd = mkstemp(path);

	if (fd == -1)
		return 0;
	fchmod(fd, 0600);
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	if (config_load(path, &cfg, &err) == 0)
		config_free(cfg);
	else if (err == NULL || strncmp(err, path, strlen(path)) != 0)
		abort();	/* every error names the file */
	free(err);
	unlink(path);
	return 0;
}
