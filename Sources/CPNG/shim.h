#pragma once
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

/*
 * libpng reports errors by longjmp, which Swift cannot catch. These helpers keep every libpng
 * call behind a setjmp in C, read from memory, never print (warnings are dropped, the error
 * text is kept in `message`), and hand the raw samples to Swift untransformed except for
 * unpacking sub-byte samples and de-interlacing. Colour conversion happens in Swift.
 */
typedef struct vigil_png_reader {
    png_structp png;
    png_infop info;
    const unsigned char *data;
    size_t size;
    size_t position;
    char message[256];
    /* Filled by vigil_png_read_info (channels and row_bytes by vigil_png_prepare). */
    png_uint_32 width, height;
    int bit_depth, color_type, interlace, channels;
    size_t row_bytes;
    int palette_count;
    unsigned char palette[256 * 3];
} vigil_png_reader;

static inline void vigil_png_error(png_structp png, png_const_charp message) {
    vigil_png_reader *reader = (vigil_png_reader *)png_get_error_ptr(png);
    strncpy(reader->message, message ? message : "unknown libpng error", sizeof reader->message - 1);
    reader->message[sizeof reader->message - 1] = 0;
    png_longjmp(png, 1);
}

static inline void vigil_png_warning(png_structp png, png_const_charp message) {
    (void)png; (void)message;
}

static inline void vigil_png_read_data(png_structp png, png_bytep out, size_t length) {
    vigil_png_reader *reader = (vigil_png_reader *)png_get_io_ptr(png);
    if (reader->size - reader->position < length) {
        png_error(png, "unexpected end of data");
    }
    memcpy(out, reader->data + reader->position, length);
    reader->position += length;
}

/* Creates the libpng structs; 0 on success. `reader` must stay at one address until destroyed. */
static inline int vigil_png_create(vigil_png_reader *reader, const void *data, size_t size) {
    memset(reader, 0, sizeof *reader);
    reader->data = (const unsigned char *)data;
    reader->size = size;
    reader->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, reader, vigil_png_error, vigil_png_warning);
    if (!reader->png) { strcpy(reader->message, "out of memory"); return -1; }
    reader->info = png_create_info_struct(reader->png);
    if (!reader->info) { strcpy(reader->message, "out of memory"); return -1; }
    png_set_read_fn(reader->png, reader, vigil_png_read_data);
    return 0;
}

/* Reads the chunks up to the image data and fills in the header fields; 0 on success, else
 * `message` says why. libpng's default limit of 1,000,000 pixels per side applies. */
static inline int vigil_png_read_info(vigil_png_reader *reader) {
    if (setjmp(png_jmpbuf(reader->png))) return -1;
    png_read_info(reader->png, reader->info);
    reader->width = png_get_image_width(reader->png, reader->info);
    reader->height = png_get_image_height(reader->png, reader->info);
    reader->bit_depth = png_get_bit_depth(reader->png, reader->info);
    reader->color_type = png_get_color_type(reader->png, reader->info);
    reader->interlace = png_get_interlace_type(reader->png, reader->info);
    png_colorp palette = NULL;
    int count = 0;
    if (png_get_PLTE(reader->png, reader->info, &palette, &count) & PNG_INFO_PLTE) {
        if (count > 256) count = 256;
        for (int i = 0; i < count; i++) {
            reader->palette[3 * i] = palette[i].red;
            reader->palette[3 * i + 1] = palette[i].green;
            reader->palette[3 * i + 2] = palette[i].blue;
        }
        reader->palette_count = count;
    }
    return 0;
}

/* Sets the only transforms used (sub-byte samples to one byte each, unscaled; de-interlacing)
 * and fills in channels and row_bytes. Call after checking the size: libpng allocates rows here. */
static inline int vigil_png_prepare(vigil_png_reader *reader) {
    if (setjmp(png_jmpbuf(reader->png))) return -1;
    if (reader->bit_depth < 8) png_set_packing(reader->png);
    png_set_interlace_handling(reader->png);
    png_read_update_info(reader->png, reader->info);
    reader->channels = png_get_channels(reader->png, reader->info);
    reader->row_bytes = png_get_rowbytes(reader->png, reader->info);
    return 0;
}

/* Reads every row into `rows` (height pointers to row_bytes bytes each); 0 on success. */
static inline int vigil_png_read_rows(vigil_png_reader *reader, unsigned char **rows) {
    if (setjmp(png_jmpbuf(reader->png))) return -1;
    png_read_image(reader->png, rows);
    return 0;
}

static inline void vigil_png_destroy(vigil_png_reader *reader) {
    if (reader->png) png_destroy_read_struct(&reader->png, reader->info ? &reader->info : NULL, NULL);
    reader->png = NULL;
    reader->info = NULL;
}
