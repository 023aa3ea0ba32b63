#ifndef VITOPT_CHDF5_SHIM_H
#define VITOPT_CHDF5_SHIM_H
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The parts of libhdf5's C API that Swift cannot import, for Sources/Formats/HDF5.
 *
 * libhdf5 names its predefined types and property lists through macros that expand to
 * `(H5OPEN H5T_NATIVE_FLOAT_g)` and the like; Swift imports neither the macros nor the
 * library-initialising side effect, so each one is a function here. Link and attribute iteration
 * take C callbacks whose info structs change between 1.10 and 1.12+; the collectors below keep
 * those version differences in C. Error-stack walking likewise needs a callback.
 */

static inline hid_t vitopt_h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t vitopt_h5s_all(void) { return H5S_ALL; }
static inline hid_t vitopt_h5e_default(void) { return H5E_DEFAULT; }
static inline hid_t vitopt_h5p_link_create(void) { return H5P_LINK_CREATE; }
static inline hid_t vitopt_h5p_file_access(void) { return H5P_FILE_ACCESS; }
static inline unsigned vitopt_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned vitopt_h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline size_t vitopt_h5t_variable(void) { return H5T_VARIABLE; }
static inline haddr_t vitopt_haddr_undef(void) { return HADDR_UNDEF; }

static inline hid_t vitopt_h5t_c_s1(void) { return H5T_C_S1; }
static inline hid_t vitopt_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t vitopt_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t vitopt_h5t_ieee_f32le(void) { return H5T_IEEE_F32LE; }
static inline hid_t vitopt_h5t_ieee_f64le(void) { return H5T_IEEE_F64LE; }
static inline hid_t vitopt_h5t_std_i8le(void) { return H5T_STD_I8LE; }
static inline hid_t vitopt_h5t_std_i16le(void) { return H5T_STD_I16LE; }
static inline hid_t vitopt_h5t_std_i32le(void) { return H5T_STD_I32LE; }
static inline hid_t vitopt_h5t_std_i64le(void) { return H5T_STD_I64LE; }
static inline hid_t vitopt_h5t_std_u8le(void) { return H5T_STD_U8LE; }
static inline hid_t vitopt_h5t_std_u16le(void) { return H5T_STD_U16LE; }
static inline hid_t vitopt_h5t_std_u32le(void) { return H5T_STD_U32LE; }
static inline hid_t vitopt_h5t_std_u64le(void) { return H5T_STD_U64LE; }

/* IEEE binary16, little-endian, built exactly as h5py builds its float16 type (so files interoperate).
   The caller closes the returned type. */
static inline hid_t vitopt_h5t_ieee_f16le(void) {
    hid_t t = H5Tcopy(H5T_IEEE_F32LE);
    if (t < 0) return t;
    if (H5Tset_fields(t, 15, 10, 5, 0, 10) < 0 || H5Tset_size(t, 2) < 0 || H5Tset_ebias(t, 15) < 0) {
        H5Tclose(t);
        return -1;
    }
    return t;
}

/* Switches off libhdf5's automatic printing of error stacks for the calling thread (in a
   thread-safe build the setting is per thread). */
static inline void vitopt_h5_quiet(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

/* ---- growable NUL-separated name list -------------------------------------------------- */

typedef struct {
    char *buf;
    size_t len;
    size_t cap;
    int failed;
} vitopt_h5_names;

static inline void vitopt_h5_names_append(vitopt_h5_names *n, char kind, const char *s) {
    size_t need = strlen(s) + 2;
    if (n->failed) return;
    if (n->len + need > n->cap) {
        size_t cap = n->cap ? n->cap * 2 : 4096;
        while (cap < n->len + need) cap *= 2;
        char *p = (char *)realloc(n->buf, cap);
        if (!p) { n->failed = 1; return; }
        n->buf = p;
        n->cap = cap;
    }
    n->buf[n->len++] = kind;
    memcpy(n->buf + n->len, s, need - 1);
    n->len += need - 1;
}

static inline herr_t vitopt_h5_link_cb(hid_t group, const char *name, const H5L_info_t *info, void *data) {
    vitopt_h5_names *n = (vitopt_h5_names *)data;
    char kind = 'O';
    if (info->type != H5L_TYPE_HARD) {
        kind = 'L';
    } else {
        hid_t obj = H5Oopen(group, name, H5P_DEFAULT);
        if (obj < 0) return -1;
        H5I_type_t t = H5Iget_type(obj);
        H5Oclose(obj);
        kind = t == H5I_DATASET ? 'D' : (t == H5I_GROUP ? 'G' : 'O');
    }
    vitopt_h5_names_append(n, kind, name);
    return n->failed ? -1 : 0;
}

/* Every link below `loc`, recursively, sorted by name: entries are a kind byte ('D' dataset,
   'G' group, 'L' soft/external link, 'O' other) followed by the NUL-terminated path relative to
   `loc`. Returns a malloc'd buffer (free() it) and its length in *len, or NULL on failure (the
   HDF5 error stack says why). */
static inline char *vitopt_h5_list(hid_t loc, size_t *len) {
    vitopt_h5_names n = {0, 0, 0, 0};
    herr_t status = H5Lvisit(loc, H5_INDEX_NAME, H5_ITER_INC, vitopt_h5_link_cb, &n);
    if (status < 0 || n.failed) { free(n.buf); *len = 0; return NULL; }
    if (!n.buf) n.buf = (char *)malloc(1);
    *len = n.len;
    return n.buf;
}

static inline herr_t vitopt_h5_attr_cb(hid_t loc, const char *name, const H5A_info_t *info, void *data) {
    (void)loc; (void)info;
    vitopt_h5_names *n = (vitopt_h5_names *)data;
    vitopt_h5_names_append(n, 'A', name);
    return n->failed ? -1 : 0;
}

/* The names of the attributes of object `obj`, in creation-index-free name order, in the same
   encoding as vitopt_h5_list. */
static inline char *vitopt_h5_attribute_names(hid_t obj, size_t *len) {
    vitopt_h5_names n = {0, 0, 0, 0};
    hsize_t idx = 0;
    herr_t status = H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, &idx, vitopt_h5_attr_cb, &n);
    if (status < 0 || n.failed) { free(n.buf); *len = 0; return NULL; }
    if (!n.buf) n.buf = (char *)malloc(1);
    *len = n.len;
    return n.buf;
}

/* Frees the strings a variable-length string read allocated. */
static inline herr_t vitopt_h5_reclaim(hid_t type, hid_t space, void *buf) {
#if H5_VERSION_GE(1, 12, 0)
    return H5Treclaim(type, space, H5P_DEFAULT, buf);
#else
    return H5Dvlen_reclaim(type, space, H5P_DEFAULT, buf);
#endif
}

/* Returns freed heap memory to the OS after a large temporary (a transposed tensor written to
   HDF5), so streaming conversions keep a flat peak RSS under glibc. A no-op elsewhere. */
#if defined(__GLIBC__)
#include <malloc.h>
static inline void vitopt_release_free_memory(void) { malloc_trim(0); }
#else
static inline void vitopt_release_free_memory(void) {}
#endif

/* ---- error stack ------------------------------------------------------------------------- */

typedef struct {
    char *out;
    size_t cap;
    size_t len;
} vitopt_h5_text;

static inline herr_t vitopt_h5_error_cb(unsigned n, const H5E_error2_t *err, void *data) {
    vitopt_h5_text *t = (vitopt_h5_text *)data;
    char minor[160] = "";
    H5Eget_msg(err->min_num, NULL, minor, sizeof minor);
    const char *desc = err->desc ? err->desc : "";
    int w = snprintf(t->out + t->len, t->cap - t->len, "%s%s%s%s", n ? "; " : "", desc,
                     minor[0] ? ": " : "", minor);
    if (w > 0) t->len = (t->len + (size_t)w < t->cap) ? t->len + (size_t)w : t->cap - 1;
    return 0;
}

/* Writes the calling thread's HDF5 error stack, innermost cause first, as one line into `out`
   (capacity `cap`, always NUL-terminated), then clears the stack. Returns the text length. */
static inline size_t vitopt_h5_error_text(char *out, size_t cap) {
    if (cap == 0) return 0;
    out[0] = 0;
    vitopt_h5_text t = {out, cap, 0};
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, vitopt_h5_error_cb, &t);
    H5Eclear2(H5E_DEFAULT);
    return t.len;
}

#endif
