#ifndef VITOPT_CPNG_SHIM_H
#define VITOPT_CPNG_SHIM_H
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/*
 * PNG → 8-bit RGB decoding for vitopt's image preprocessing (Sources/Formats/Images).
 *
 * libpng reports fatal errors by calling an error callback that must not return, so recovery
 * needs setjmp/longjmp; Swift cannot express that, hence this C helper. Everything between the
 * setjmp and a possible longjmp runs in C (including the read callback), so no Swift frame is
 * ever jumped over.
 *
 * Conversion contract (Pillow's `Image.open(p).convert("RGB")`, except where noted):
 *   - palette → its RGB entries; a tRNS chunk is ignored (alpha dropped, not composited);
 *   - gray 1/2/4-bit → scaled to 0…255 (×255, ×85, ×17); gray → R = G = B;
 *   - 16-bit samples → the high byte (v >> 8), as Pillow does for RGB/RGBA/LA 16-bit
 *     (Pillow clips 16-bit *gray without alpha* to 255 instead; vitopt does not copy that);
 *   - alpha channels are discarded; no gamma, sRGB or ICC transform is applied;
 *   - interlaced (Adam7) images are de-interlaced.
 * Warnings are swallowed; nothing is printed.
 */

enum { VITOPT_PNG_MESSAGE_CAPACITY = 256 };
/* Images with more pixels than this are refused (Pillow's decompression-bomb limit is ~179 M). */
#define VITOPT_PNG_MAX_PIXELS ((size_t)1 << 28)
/* libpng's own limits, checked as it reads IHDR and before it allocates a row or a chunk: each side
   at most 65535 pixels (JPEG's own maximum is 65500), ancillary chunks (iCCP, zTXt, ...) at most
   16 MiB once decompressed. */
#define VITOPT_PNG_MAX_SIDE 65535u
#define VITOPT_PNG_MAX_CHUNK ((png_alloc_size_t)16 << 20)

typedef struct {
    /* On success: malloc'd width*height*3 bytes, row-major interleaved RGB; free with free(). */
    unsigned char *pixels;
    unsigned int width;
    unsigned int height;
    /* On failure: libpng's message (or vitopt's), NUL-terminated. */
    char message[VITOPT_PNG_MESSAGE_CAPACITY];
} vitopt_png_result;

typedef struct {
    jmp_buf jump;
    const unsigned char *data;
    size_t size;
    size_t offset;
    char *message;
    /* The last warning, reported with a following error (libpng's IHDR check warns what is wrong,
       then fails with "Invalid IHDR data"). */
    char warning[VITOPT_PNG_MESSAGE_CAPACITY];
} vitopt_png_context;

static inline void vitopt_png_copy_message(char *dst, const char *src) {
    strncpy(dst, src ? src : "unknown libpng error", VITOPT_PNG_MESSAGE_CAPACITY - 1);
    dst[VITOPT_PNG_MESSAGE_CAPACITY - 1] = '\0';
}

static inline void vitopt_png_on_error(png_structp png, png_const_charp message) {
    vitopt_png_context *ctx = (vitopt_png_context *)png_get_error_ptr(png);
    if (ctx->warning[0]) {
        snprintf(ctx->message, VITOPT_PNG_MESSAGE_CAPACITY, "%s (%s)", message ? message : "libpng error", ctx->warning);
    } else {
        vitopt_png_copy_message(ctx->message, message);
    }
    longjmp(ctx->jump, 1);
}

static inline void vitopt_png_on_warning(png_structp png, png_const_charp message) {
    vitopt_png_context *ctx = (vitopt_png_context *)png_get_error_ptr(png);
    strncpy(ctx->warning, message ? message : "", VITOPT_PNG_MESSAGE_CAPACITY - 1);
    ctx->warning[VITOPT_PNG_MESSAGE_CAPACITY - 1] = '\0';
}

static inline void vitopt_png_read(png_structp png, png_bytep out, png_size_t count) {
    vitopt_png_context *ctx = (vitopt_png_context *)png_get_io_ptr(png);
    if (count > ctx->size - ctx->offset) png_error(png, "unexpected end of file (truncated PNG)");
    memcpy(out, ctx->data + ctx->offset, count);
    ctx->offset += count;
}

/* Decodes the PNG in data[0..<size]. Returns 0 on success, 1 on a libpng error, 2 when the image
 * is too large. On failure result->pixels is NULL and result->message says why. */
static inline int vitopt_png_decode_rgb8(const unsigned char *data, size_t size, vitopt_png_result *result) {
    vitopt_png_context ctx;
    png_structp png = NULL;
    png_infop info = NULL;
    /* Modified after setjmp and read after longjmp: must be volatile. */
    unsigned char *volatile rows = NULL;
    png_bytep *volatile row_pointers = NULL;
    volatile int status = 1;

    memset(result, 0, sizeof(*result));
    ctx.data = data;
    ctx.size = size;
    ctx.offset = 0;
    ctx.message = result->message;
    ctx.warning[0] = '\0';

    png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &ctx, vitopt_png_on_error, vitopt_png_on_warning);
    if (png == NULL) {
        vitopt_png_copy_message(result->message, "cannot create libpng read struct (out of memory)");
        return 1;
    }
    info = png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_read_struct(&png, NULL, NULL);
        vitopt_png_copy_message(result->message, "cannot create libpng info struct (out of memory)");
        return 1;
    }
    if (setjmp(ctx.jump)) {
        free(rows);
        free(row_pointers);
        png_destroy_read_struct(&png, &info, NULL);
        return status;
    }
    png_set_read_fn(png, &ctx, vitopt_png_read);
    png_set_user_limits(png, VITOPT_PNG_MAX_SIDE, VITOPT_PNG_MAX_SIDE);
    png_set_chunk_malloc_max(png, VITOPT_PNG_MAX_CHUNK);
    png_read_info(png, info);

    png_uint_32 width = png_get_image_width(png, info);
    png_uint_32 height = png_get_image_height(png, info);
    int color_type = png_get_color_type(png, info);
    int bit_depth = png_get_bit_depth(png, info);
    if ((size_t)width * (size_t)height > VITOPT_PNG_MAX_PIXELS) {
        status = 2;
        png_error(png, "image too large (more than 2^28 pixels)");
    }
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (bit_depth == 16) png_set_strip_16(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);

    size_t channels = png_get_channels(png, info);
    size_t rowbytes = png_get_rowbytes(png, info);
    if (png_get_bit_depth(png, info) != 8 || channels < 1 || channels > 4 || rowbytes != (size_t)width * channels) {
        png_error(png, "unexpected sample layout after libpng transforms");
    }
    rows = (unsigned char *)malloc(rowbytes * height + 1);
    row_pointers = (png_bytep *)malloc(sizeof(png_bytep) * (height + 1));
    if (rows == NULL || row_pointers == NULL) png_error(png, "out of memory");
    for (png_uint_32 y = 0; y < height; y++) row_pointers[y] = rows + (size_t)y * rowbytes;
    png_read_image(png, row_pointers);
    /* No png_read_end: like Pillow, chunks after the image data (and a missing IEND) are ignored. */

    unsigned char *rgb = (unsigned char *)malloc((size_t)width * height * 3 + 1);
    if (rgb == NULL) png_error(png, "out of memory");
    size_t n = (size_t)width * height;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *s = rows + i * channels;
        unsigned char *d = rgb + i * 3;
        if (channels <= 2) {
            d[0] = d[1] = d[2] = s[0]; /* gray (alpha, if any, dropped) */
        } else {
            d[0] = s[0]; d[1] = s[1]; d[2] = s[2]; /* RGB (alpha, if any, dropped) */
        }
    }
    free(rows);
    free(row_pointers);
    png_destroy_read_struct(&png, &info, NULL);
    result->pixels = rgb;
    result->width = width;
    result->height = height;
    return 0;
}

/* ---- Encoding: 8-bit RGB → PNG bytes in memory (vitopt's attention pictures). ---- */

typedef struct {
    /* On success: malloc'd PNG bytes; free with free(). */
    unsigned char *bytes;
    size_t size;
    size_t capacity;
    char message[VITOPT_PNG_MESSAGE_CAPACITY];
    jmp_buf jump;
} vitopt_png_output;

static inline void vitopt_png_on_write_error(png_structp png, png_const_charp message) {
    vitopt_png_output *out = (vitopt_png_output *)png_get_error_ptr(png);
    vitopt_png_copy_message(out->message, message);
    longjmp(out->jump, 1);
}

static inline void vitopt_png_write(png_structp png, png_bytep data, png_size_t count) {
    vitopt_png_output *out = (vitopt_png_output *)png_get_io_ptr(png);
    if (count > ((size_t)-1) / 2 - out->size) png_error(png, "PNG output too large");
    if (out->size + count > out->capacity) {
        size_t capacity = out->capacity ? out->capacity : 65536;
        while (capacity < out->size + count) capacity *= 2;
        unsigned char *grown = (unsigned char *)realloc(out->bytes, capacity);
        if (grown == NULL) png_error(png, "out of memory");
        out->bytes = grown;
        out->capacity = capacity;
    }
    memcpy(out->bytes + out->size, data, count);
    out->size += count;
}

static inline void vitopt_png_flush(png_structp png) { (void)png; }

/* Encodes width*height interleaved RGB bytes as an 8-bit RGB PNG. Returns 0 on success, 1 on failure
 * (out->bytes is then NULL and out->message says why). */
static inline int vitopt_png_encode_rgb8(const unsigned char *rgb, unsigned int width, unsigned int height,
                                         vitopt_png_output *out) {
    png_structp png = NULL;
    png_infop info = NULL;
    memset(out, 0, sizeof(*out));
    if (width == 0 || height == 0 || (size_t)width * (size_t)height > VITOPT_PNG_MAX_PIXELS) {
        vitopt_png_copy_message(out->message, "image size out of range");
        return 1;
    }
    png = png_create_write_struct(PNG_LIBPNG_VER_STRING, out, vitopt_png_on_write_error, vitopt_png_on_warning);
    if (png == NULL) {
        vitopt_png_copy_message(out->message, "cannot create libpng write struct (out of memory)");
        return 1;
    }
    info = png_create_info_struct(png);
    if (info == NULL || setjmp(out->jump)) {
        png_destroy_write_struct(&png, &info);
        free(out->bytes);
        out->bytes = NULL;
        out->size = 0;
        if (info == NULL) vitopt_png_copy_message(out->message, "cannot create libpng info struct (out of memory)");
        return 1;
    }
    png_set_write_fn(png, out, vitopt_png_write, vitopt_png_flush);
    png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (unsigned int y = 0; y < height; y++) png_write_row(png, (png_const_bytep)(rgb + (size_t)y * width * 3));
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return 0;
}

#endif
