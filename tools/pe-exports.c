/*
 * Prints the export table of a PE image (DLL or EXE, PE32 or PE32+), read
 * from its export directory, one export a line:
 *
 *     ORDINAL NAME KIND [TARGET]
 *
 * NAME is "-" for an export by ordinal only.  KIND is "code" (an address
 * in an executable section), "data" (an address in any other section) or
 * "forward" (a forwarder; TARGET is the forwarder string, "dll.name" or
 * "dll.#ordinal").  Unused slots of the address table are skipped.
 * The first line is "# module NAME ordinal-base BASE".
 *
 * usage: pe-exports FILE.dll
 *
 * A host tool: it reads the file as bytes and assumes nothing of the
 * machine it runs on besides 8-bit bytes.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct image
{
    const unsigned char *data;
    size_t size;
    const unsigned char *sections;
    unsigned int section_count;
};

struct export_directory
{
    uint32_t name_rva, base, function_count, name_count;
    uint32_t functions_rva, names_rva, ordinals_rva;
    uint32_t rva, size;
};

#define SCN_MEM_EXECUTE 0x20000000u

static void fail(const char *path, const char *what)
{
    fprintf(stderr, "pe-exports: %s: %s\n", path, what);
    exit(1);
}

static uint32_t read16(const unsigned char *p)
{
    return p[0] | (uint32_t)p[1] << 8;
}

static uint32_t read32(const unsigned char *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The section holding an RVA, or NULL. */
static const unsigned char *section_of(const struct image *image, uint32_t rva)
{
    unsigned int i;

    for (i = 0; i < image->section_count; i++)
    {
        const unsigned char *s = image->sections + 40 * i;
        uint32_t start = read32(s + 12), length = read32(s + 8);

        if (length < read32(s + 16)) length = read32(s + 16);
        if (rva >= start && rva - start < length) return s;
    }
    return NULL;
}

/* The file bytes at an RVA with at least LEN bytes after it, or NULL. */
static const unsigned char *at_rva(const struct image *image, uint32_t rva, size_t len)
{
    const unsigned char *s = section_of(image, rva);
    size_t offset;

    if (!s) return NULL;
    offset = (size_t)read32(s + 20) + (rva - read32(s + 12));
    if (offset > image->size || image->size - offset < len) return NULL;
    if (rva - read32(s + 12) + len > read32(s + 16)) return NULL;
    return image->data + offset;
}

/* A NUL-terminated string at an RVA, or NULL when it runs off the file. */
static const char *string_at(const struct image *image, uint32_t rva)
{
    const unsigned char *p = at_rva(image, rva, 1);

    if (!p || !memchr(p, 0, image->size - (size_t)(p - image->data))) return NULL;
    return (const char *)p;
}

static unsigned char *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    unsigned char *data = NULL;
    size_t used = 0, allocated = 0, n;

    if (!f) fail(path, "cannot open");
    do
    {
        if (used == allocated)
        {
            allocated = allocated ? allocated * 2 : 1 << 20;
            if (!(data = realloc(data, allocated))) fail(path, "out of memory");
        }
        n = fread(data + used, 1, allocated - used, f);
        used += n;
    } while (n);
    if (ferror(f)) fail(path, "read error");
    fclose(f);
    *size = used;
    return data;
}

static void parse_headers(const char *path, struct image *image, struct export_directory *dir)
{
    const unsigned char *pe, *optional, *entry, *e;
    uint32_t pe_offset, optional_size, magic, directory_count;

    if (image->size < 64 || image->data[0] != 'M' || image->data[1] != 'Z') fail(path, "not an MZ image");
    pe_offset = read32(image->data + 60);
    if (pe_offset > image->size || image->size - pe_offset < 24) fail(path, "truncated headers");
    pe = image->data + pe_offset;
    if (memcmp(pe, "PE\0\0", 4)) fail(path, "not a PE image");
    image->section_count = read16(pe + 6);
    optional_size = read16(pe + 20);
    optional = pe + 24;
    if (image->size - pe_offset - 24 < optional_size + 40u * image->section_count)
        fail(path, "truncated headers");
    image->sections = optional + optional_size;
    magic = read16(optional);
    if (magic == 0x10b) entry = optional + 92;       /* PE32: NumberOfRvaAndSizes */
    else if (magic == 0x20b) entry = optional + 108; /* PE32+ */
    else fail(path, "unknown optional header");
    directory_count = read32(entry);
    if (!directory_count || (size_t)(entry + 12 - optional) > optional_size)
    {
        memset(dir, 0, sizeof(*dir));
        return;
    }
    dir->rva = read32(entry + 4);
    dir->size = read32(entry + 8);
    if (!dir->rva || !dir->size)
    {
        memset(dir, 0, sizeof(*dir));
        return;
    }
    if (!(e = at_rva(image, dir->rva, 40))) fail(path, "export directory outside the file");
    dir->name_rva = read32(e + 12);
    dir->base = read32(e + 16);
    dir->function_count = read32(e + 20);
    dir->name_count = read32(e + 24);
    dir->functions_rva = read32(e + 28);
    dir->names_rva = read32(e + 32);
    dir->ordinals_rva = read32(e + 36);
}

/* NAMES[i] is the name of address table slot i, or NULL. */
static const char **slot_names(const char *path, const struct image *image,
                               const struct export_directory *dir)
{
    const unsigned char *names, *ordinals;
    const char **slot = calloc(dir->function_count ? dir->function_count : 1, sizeof(*slot));
    uint32_t i;

    if (!slot) fail(path, "out of memory");
    if (!dir->name_count) return slot;
    names = at_rva(image, dir->names_rva, 4 * (size_t)dir->name_count);
    ordinals = at_rva(image, dir->ordinals_rva, 2 * (size_t)dir->name_count);
    if (!names || !ordinals) fail(path, "name tables outside the file");
    for (i = 0; i < dir->name_count; i++)
    {
        uint32_t index = read16(ordinals + 2 * i);
        const char *name = string_at(image, read32(names + 4 * i));

        if (index >= dir->function_count || !name) fail(path, "bad name table entry");
        if (!slot[index]) slot[index] = name;
    }
    return slot;
}

static void print_exports(const char *path, const struct image *image,
                          const struct export_directory *dir)
{
    const unsigned char *functions;
    const char **names, *module;
    uint32_t i;

    module = dir->name_rva ? string_at(image, dir->name_rva) : NULL;
    printf("# module %s ordinal-base %u\n", module ? module : "-", dir->base);
    if (!dir->function_count) return;
    if (!(functions = at_rva(image, dir->functions_rva, 4 * (size_t)dir->function_count)))
        fail(path, "address table outside the file");
    names = slot_names(path, image, dir);
    for (i = 0; i < dir->function_count; i++)
    {
        uint32_t rva = read32(functions + 4 * i);
        const char *name = names[i] ? names[i] : "-";
        const unsigned char *section;

        if (!rva) continue;
        if (rva >= dir->rva && rva - dir->rva < dir->size)
        {
            const char *target = string_at(image, rva);

            if (!target) fail(path, "bad forwarder string");
            printf("%u %s forward %s\n", dir->base + i, name, target);
            continue;
        }
        section = section_of(image, rva);
        printf("%u %s %s\n", dir->base + i, name,
               section && (read32(section + 36) & SCN_MEM_EXECUTE) ? "code" : "data");
    }
    free(names);
}

int main(int argc, char **argv)
{
    struct image image;
    struct export_directory dir;
    unsigned char *data;

    if (argc != 2)
    {
        fprintf(stderr, "usage: pe-exports FILE.dll\n");
        return 2;
    }
    data = read_file(argv[1], &image.size);
    image.data = data;
    parse_headers(argv[1], &image, &dir);
    print_exports(argv[1], &image, &dir);
    free(data);
    if (fflush(stdout) || ferror(stdout)) fail(argv[1], "write error");
    return 0;
}
