/* rc_durable_int.h — module-private: making a finished temporary file the real one (fsync the file,
 * rename, fsync the folder), shared by shards and the manifest. */
#ifndef RC_DURABLE_H
#define RC_DURABLE_H

#include "common/rc_common.h"

/* fsyncs tmp_path, renames it to final_path and fsyncs final_path's folder.  On failure
 * returns RC_E_IO naming the step and errno's text; tmp_path is left for the caller to remove. */
rc_status rc_durable_publish(const char *tmp_path, const char *final_path, rc_err *err);

#endif
