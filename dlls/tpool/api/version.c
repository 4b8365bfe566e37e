/* Layer 3: tpool's own extensions. */

#include "api.h"
#include "tpool.h"

const char *WINAPI tpool_version(void)
{
    return PACKAGE_NAME " " PACKAGE_VERSION;
}
