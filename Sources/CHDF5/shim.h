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
static inline hid_t vitopt_h5p_dataset_create(void) { return H5P_DATASET_CREATE; }
static inline hid_t vitopt_h5p_dataset_access(void) { return H5P_DATASET_ACCESS; }
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

/* Initialises libhdf5 for vitopt, once, before any other call: no clean-up at process exit (after
   a failed close — a full disk — libhdf5's exit handler retried the flush, printed its error stack
   on a thread that never silenced it and crashed; vitopt closes every file it writes itself, and
   read-only files need no flush), and error printing off for the calling thread. */
static inline void vitopt_h5_init(void) {
    H5dont_atexit();
    H5open();
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
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

/* ---- linear walk of the group tree ------------------------------------------------------ */

#if H5_VERSION_GE(1, 12, 0)
typedef H5O_info2_t vitopt_h5o_info;
typedef H5L_info2_t vitopt_h5l_info;
#define VITOPT_H5O_INFO_BY_NAME(loc, name, info) H5Oget_info_by_name3(loc, name, info, H5O_INFO_BASIC, H5P_DEFAULT)
#define VITOPT_H5O_INFO(loc, info) H5Oget_info3(loc, info, H5O_INFO_BASIC)
#define VITOPT_H5L_ITERATE(g, cb, data) H5Literate2(g, H5_INDEX_NAME, H5_ITER_INC, NULL, cb, data)
#define VITOPT_H5O_KEY(info, key) memcpy((key)->bytes, &(info)->token, sizeof((info)->token) < 16 ? sizeof((info)->token) : 16)
#else
typedef H5O_info_t vitopt_h5o_info;
typedef H5L_info_t vitopt_h5l_info;
#define VITOPT_H5O_INFO_BY_NAME(loc, name, info) H5Oget_info_by_name2(loc, name, info, H5O_INFO_BASIC, H5P_DEFAULT)
#define VITOPT_H5O_INFO(loc, info) H5Oget_info2(loc, info, H5O_INFO_BASIC)
#define VITOPT_H5L_ITERATE(g, cb, data) H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, NULL, cb, data)
#define VITOPT_H5O_KEY(info, key) memcpy((key)->bytes, &(info)->addr, sizeof((info)->addr))
#endif

/* An object's identity in the file (its header address or token), for the visited set. */
typedef struct { unsigned char bytes[16]; } vitopt_h5_key;

/* An open-addressing hash set of keys (linear probing, at most half full). */
typedef struct {
    vitopt_h5_key *slots;
    unsigned char *used;
    size_t cap;
    size_t count;
} vitopt_h5_seen;

static inline size_t vitopt_h5_key_hash(const vitopt_h5_key *k) {
    size_t h = 1469598103934665603ull;
    for (int i = 0; i < 16; i++) h = (h ^ k->bytes[i]) * 1099511628211ull;
    return h;
}

/* Inserts `k`: 1 when new, 0 when already present, -1 when out of memory. */
static inline int vitopt_h5_seen_insert(vitopt_h5_seen *s, const vitopt_h5_key *k) {
    if (2 * (s->count + 1) > s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        vitopt_h5_key *slots = (vitopt_h5_key *)calloc(cap, sizeof *slots);
        unsigned char *used = (unsigned char *)calloc(cap, 1);
        if (!slots || !used) { free(slots); free(used); return -1; }
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->used[i]) continue;
            size_t j = vitopt_h5_key_hash(&s->slots[i]) & (cap - 1);
            while (used[j]) j = (j + 1) & (cap - 1);
            used[j] = 1;
            slots[j] = s->slots[i];
        }
        free(s->slots);
        free(s->used);
        s->slots = slots;
        s->used = used;
        s->cap = cap;
    }
    size_t j = vitopt_h5_key_hash(k) & (s->cap - 1);
    while (s->used[j]) {
        if (memcmp(s->slots[j].bytes, k->bytes, 16) == 0) return 0;
        j = (j + 1) & (s->cap - 1);
    }
    s->used[j] = 1;
    s->slots[j] = *k;
    s->count++;
    return 1;
}

/* Walk state: the entries so far, the groups entered, the path of the group being listed. */
typedef struct {
    vitopt_h5_names names;
    vitopt_h5_seen seen;
    char *path;
    size_t path_len;
    size_t path_cap;
    int depth;
    int max_depth;
    int too_deep;
} vitopt_h5_walk;

static inline herr_t vitopt_h5_walk_cb(hid_t group, const char *name, const vitopt_h5l_info *info, void *data) {
    vitopt_h5_walk *w = (vitopt_h5_walk *)data;
    if (w->depth + 1 > w->max_depth) { w->too_deep = 1; return -1; }
    size_t name_len = strlen(name), saved = w->path_len;
    size_t need = saved + (saved ? 1 : 0) + name_len + 1;
    if (need > w->path_cap) {
        size_t cap = w->path_cap ? w->path_cap : 256;
        while (cap < need) cap *= 2;
        char *p = (char *)realloc(w->path, cap);
        if (!p) return -1;
        w->path = p;
        w->path_cap = cap;
    }
    if (saved) w->path[w->path_len++] = '/';
    memcpy(w->path + w->path_len, name, name_len + 1);
    w->path_len += name_len;
    herr_t status = 0;
    if (info->type != H5L_TYPE_HARD) {
        vitopt_h5_names_append(&w->names, 'L', w->path);
    } else {
        /* One name component relative to its own group: constant cost, whatever the depth. */
        vitopt_h5o_info oi;
        if (VITOPT_H5O_INFO_BY_NAME(group, name, &oi) < 0) {
            status = -1;
        } else {
            char kind = oi.type == H5O_TYPE_DATASET ? 'D' : (oi.type == H5O_TYPE_GROUP ? 'G' : 'O');
            vitopt_h5_names_append(&w->names, kind, w->path);
            if (oi.type == H5O_TYPE_GROUP) {
                vitopt_h5_key key;
                memset(&key, 0, sizeof key);
                VITOPT_H5O_KEY(&oi, &key);
                int fresh = vitopt_h5_seen_insert(&w->seen, &key);
                if (fresh < 0) {
                    status = -1;
                } else if (fresh) {
                    hid_t g = H5Gopen2(group, name, H5P_DEFAULT);
                    if (g < 0) {
                        status = -1;
                    } else {
                        w->depth++;
                        status = VITOPT_H5L_ITERATE(g, vitopt_h5_walk_cb, w);
                        w->depth--;
                        H5Gclose(g);
                    }
                }
            }
        }
    }
    w->path_len = saved;
    w->path[saved] = 0;
    if (w->names.failed) return -1;
    return status < 0 ? -1 : 0;
}

/* Every link below `loc`, recursively, each group entered once, in name order depth first: entries
   are a kind byte ('D' dataset, 'G' group, 'L' soft/external link, 'O' other) followed by the
   NUL-terminated path relative to `loc`. Each group is listed with H5Literate and each entry's type
   read by its single-component name, so the cost is linear in the number of links (libhdf5's own
   H5Lvisit/H5Ovisit look every entry up from the start of the walk, quadratic in the depth).
   Stops with *too_deep = 1 at an entry nested deeper than `max_depth` levels. Returns a malloc'd
   buffer (free() it) and its length in *len, or NULL on failure (the HDF5 error stack says why). */
static inline char *vitopt_h5_list(hid_t loc, size_t *len, int max_depth, int *too_deep) {
    vitopt_h5_walk w;
    memset(&w, 0, sizeof w);
    w.max_depth = max_depth;
    vitopt_h5o_info root;
    vitopt_h5_key key;
    memset(&key, 0, sizeof key);
    herr_t status = VITOPT_H5O_INFO(loc, &root);
    if (status >= 0) {
        VITOPT_H5O_KEY(&root, &key);
        status = vitopt_h5_seen_insert(&w.seen, &key) < 0 ? -1 : VITOPT_H5L_ITERATE(loc, vitopt_h5_walk_cb, &w);
    }
    free(w.path);
    free(w.seen.slots);
    free(w.seen.used);
    *too_deep = w.too_deep;
    if (status < 0 || w.names.failed) { free(w.names.buf); *len = 0; return NULL; }
    if (!w.names.buf) w.names.buf = (char *)malloc(1);
    *len = w.names.len;
    return w.names.buf;
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
