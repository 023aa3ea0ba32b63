#ifndef VITOPT_CJPEG_SHIM_H
#define VITOPT_CJPEG_SHIM_H
#include <stdio.h>
#include <stddef.h>
#include <jpeglib.h>
#include <jerror.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

/*
 * JPEG → 8-bit RGB decoding for vitopt's image preprocessing (Sources/Formats/Images).
 *
 * libjpeg's error_exit must not return, so recovery needs setjmp/longjmp, which Swift cannot
 * express; hence this C helper. Everything between the setjmp and a possible longjmp runs in C.
 *
 * Decoder settings are libjpeg's defaults — JDCT_ISLOW, fancy upsampling on, no block smoothing
 * changes — which is what Pillow uses, so pixels match `Image.open(p).convert("RGB")` exactly
 * when both use libjpeg-turbo. Gray JPEGs are replicated to R = G = B; YCbCr and RGB JPEGs are
 * converted by libjpeg. CMYK and YCCK JPEGs are decoded to CMYK by libjpeg, un-inverted when an Adobe
 * APP14 marker is present (Adobe's writers store inverted CMYK; Pillow reads such files as "CMYK;I"),
 * then converted as Pillow's CMYK → RGB does: with nk = 255 − K, each of R, G, B is
 * nk − round(C·nk / 255) (the rounding division (t + (t >> 8)) >> 8 with t = C·nk + 128), so
 * pixels match `Image.open(p).convert("RGB")`.
 * A premature end of data (libjpeg's JWRN_JPEG_EOF warning, normally "recovered" by padding
 * with gray) is turned into an error, as Pillow raises on truncated files. Other warnings
 * (e.g. extraneous bytes before a marker) are ignored, as in Pillow. Nothing is printed.
 */

/* Images with more pixels than this are refused (Pillow's decompression-bomb limit is ~179 M). */
#define VITOPT_JPEG_MAX_PIXELS ((size_t)1 << 28)
/* libjpeg's own memory limit (progressive images keep every coefficient: 2 bytes per sample), and
   the most scans a progressive file may have (a few kilobytes of tiny scans otherwise cost minutes
   of decoding; libjpeg-turbo's djpeg -maxscans guards the same way). */
#define VITOPT_JPEG_MAX_MEMORY (1L << 30)
#define VITOPT_JPEG_MAX_SCANS 1000

typedef struct {
    /* On success: malloc'd width*height*3 bytes, row-major interleaved RGB; free with free(). */
    unsigned char *pixels;
    unsigned int width;
    unsigned int height;
    /* On failure: libjpeg's message (or vitopt's), NUL-terminated. */
    char message[JMSG_LENGTH_MAX];
} vitopt_jpeg_result;

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char *message;
    /* While set, a premature end of data is fatal. */
    int eof_is_fatal;
} vitopt_jpeg_error_mgr;

static inline void vitopt_jpeg_error_exit(j_common_ptr cinfo) {
    vitopt_jpeg_error_mgr *err = (vitopt_jpeg_error_mgr *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, err->message);
    longjmp(err->jump, 1);
}

static inline void vitopt_jpeg_emit_message(j_common_ptr cinfo, int level) {
    vitopt_jpeg_error_mgr *err = (vitopt_jpeg_error_mgr *)cinfo->err;
    if (level < 0) {
        if (err->eof_is_fatal && err->base.msg_code == JWRN_JPEG_EOF) vitopt_jpeg_error_exit(cinfo);
        err->base.num_warnings++;
    }
}

static inline void vitopt_jpeg_output_message(j_common_ptr cinfo) {
    (void)cinfo;
}

/* One row of CMYK samples (inverted when `inverted`) to RGB, with Pillow's arithmetic (see the top). */
static inline void vitopt_jpeg_cmyk_to_rgb(const unsigned char *cmyk, unsigned char *rgb, size_t width, int inverted) {
    for (size_t x = 0; x < width; x++) {
        unsigned int k = inverted ? 255u - cmyk[4 * x + 3] : cmyk[4 * x + 3];
        unsigned int nk = 255u - k;
        for (int c = 0; c < 3; c++) {
            unsigned int v = inverted ? 255u - cmyk[4 * x + c] : cmyk[4 * x + c];
            unsigned int t = v * nk + 128u;
            unsigned int scaled = ((t >> 8) + t) >> 8;
            rgb[3 * x + c] = (unsigned char)(nk - scaled);
        }
    }
}

/* Progress callback: refuses files with more than VITOPT_JPEG_MAX_SCANS scans. */
static inline void vitopt_jpeg_progress(j_common_ptr cinfo) {
    if (cinfo->is_decompressor && ((j_decompress_ptr)cinfo)->input_scan_number > VITOPT_JPEG_MAX_SCANS) {
        vitopt_jpeg_error_mgr *err = (vitopt_jpeg_error_mgr *)cinfo->err;
        snprintf(err->message, JMSG_LENGTH_MAX, "more than %d progressive scans", VITOPT_JPEG_MAX_SCANS);
        longjmp(err->jump, 1);
    }
}

/* Decodes the JPEG in data[0..<size]. Returns 0 on success, 1 on a libjpeg error, 2 for an
 * unsupported color space or an image too large. On failure result->pixels is NULL and
 * result->message says why. */
static inline int vitopt_jpeg_decode_rgb8(const unsigned char *data, size_t size, vitopt_jpeg_result *result) {
    /* The libjpeg state lives on the heap so that nothing the longjmp target reads is an automatic
     * variable modified after setjmp (those would be indeterminate). */
    struct vitopt_jpeg_state {
        struct jpeg_decompress_struct cinfo;
        vitopt_jpeg_error_mgr err;
        struct jpeg_progress_mgr progress;
        unsigned char *cmyk_row;
    };
    struct vitopt_jpeg_state *const state = (struct vitopt_jpeg_state *)calloc(1, sizeof(struct vitopt_jpeg_state));
    unsigned char *volatile pixels = NULL;
    volatile int status = 1;

    memset(result, 0, sizeof(*result));
    if (state == NULL) {
        snprintf(result->message, JMSG_LENGTH_MAX, "out of memory");
        return 1;
    }
    j_decompress_ptr const cinfo = &state->cinfo;
    vitopt_jpeg_error_mgr *const err = &state->err;
    cinfo->err = jpeg_std_error(&err->base);
    err->base.error_exit = vitopt_jpeg_error_exit;
    err->base.emit_message = vitopt_jpeg_emit_message;
    err->base.output_message = vitopt_jpeg_output_message;
    err->message = result->message;
    err->eof_is_fatal = 1;
    if (setjmp(err->jump)) {
        free(pixels);
        free(state->cmyk_row);
        jpeg_destroy_decompress(cinfo);
        free(state);
        return status;
    }
    jpeg_create_decompress(cinfo);
    cinfo->mem->max_memory_to_use = VITOPT_JPEG_MAX_MEMORY;
    state->progress.progress_monitor = vitopt_jpeg_progress;
    cinfo->progress = &state->progress;
    jpeg_mem_src(cinfo, data, (unsigned long)size);
    jpeg_read_header(cinfo, TRUE);

    int gray = 0, cmyk = 0;
    switch (cinfo->jpeg_color_space) {
    case JCS_GRAYSCALE:
        cinfo->out_color_space = JCS_GRAYSCALE;
        gray = 1;
        break;
    case JCS_YCbCr:
    case JCS_RGB:
        cinfo->out_color_space = JCS_RGB;
        break;
    case JCS_CMYK:
    case JCS_YCCK:
        cinfo->out_color_space = JCS_CMYK;
        cmyk = 1;
        break;
    default:
        status = 2;
        snprintf(result->message, JMSG_LENGTH_MAX, "unsupported JPEG color space %d (CMYK/YCCK)",
                 (int)cinfo->jpeg_color_space);
        longjmp(err->jump, 1);
    }
    if ((size_t)cinfo->image_width * (size_t)cinfo->image_height > VITOPT_JPEG_MAX_PIXELS) {
        status = 2;
        snprintf(result->message, JMSG_LENGTH_MAX, "image too large (more than 2^28 pixels)");
        longjmp(err->jump, 1);
    }
    jpeg_start_decompress(cinfo);

    size_t width = cinfo->output_width, height = cinfo->output_height;
    if (cinfo->output_components != (gray ? 1 : (cmyk ? 4 : 3))) {
        snprintf(result->message, JMSG_LENGTH_MAX, "unexpected %d output components", cinfo->output_components);
        longjmp(err->jump, 1);
    }
    pixels = (unsigned char *)malloc(width * height * 3 + 1);
    if (cmyk) state->cmyk_row = (unsigned char *)malloc(width * 4 + 1);
    if (pixels == NULL || (cmyk && state->cmyk_row == NULL)) {
        snprintf(result->message, JMSG_LENGTH_MAX, "out of memory");
        longjmp(err->jump, 1);
    }
    while (cinfo->output_scanline < cinfo->output_height) {
        /* Gray rows are decoded into the first third of their RGB row, then spread right to left. */
        unsigned char *row = pixels + (size_t)cinfo->output_scanline * width * 3;
        JSAMPROW rows[1] = { cmyk ? state->cmyk_row : row };
        if (jpeg_read_scanlines(cinfo, rows, 1) != 1) {
            snprintf(result->message, JMSG_LENGTH_MAX, "decoder returned no scanline");
            longjmp(err->jump, 1);
        }
        if (gray) {
            for (size_t x = width; x-- > 0;) row[3 * x] = row[3 * x + 1] = row[3 * x + 2] = row[x];
        }
        if (cmyk) vitopt_jpeg_cmyk_to_rgb(state->cmyk_row, row, width, cinfo->saw_Adobe_marker);
    }
    /* All pixels are in; what follows the image (or a missing EOI) no longer matters. */
    err->eof_is_fatal = 0;
    jpeg_finish_decompress(cinfo);
    jpeg_destroy_decompress(cinfo);
    free(state->cmyk_row);
    free(state);
    result->pixels = pixels;
    result->width = (unsigned int)width;
    result->height = (unsigned int)height;
    return 0;
}

#endif
