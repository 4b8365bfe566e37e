/* Layer 3: tpool's own extensions. */

#include "api.h"
#include "tpool.h"

const char *WINAPI tpool_version(void)
{
    const char *version = PACKAGE_NAME " " PACKAGE_VERSION;
    TRACE_CALL_VOID("tpool_version");

    return TRACE_RETURN(version);
}
