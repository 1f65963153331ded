/*
 * Copyright (C) ngx_http_resources authors
 *
 * The listing parser (src/loader/resources_listing.c), run from the project
 * root:
 *
 *     test_listing [SHARED-LISTING [SAMPLE]]
 *
 * SHARED-LISTING defaults to ../shared/catalogue/rtes-listing.txt (the
 * whole test is skipped without it), SAMPLE to t/data/listing-sample.txt.
 * The expected values were written by reading the files, not by running
 * the parser.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "resources_listing.h"
#include "tap.h"


#define TEST_SHARED  "../shared/catalogue/rtes-listing.txt"
#define TEST_SAMPLE  "t/data/listing-sample.txt"

#define NBSP         "\xc2\xa0"


typedef struct {
    json_t         *records;     /* [record, ...] */
    json_t         *lines;       /* [title line, ...] */
    json_t         *errors;      /* [[line, message], ...] */
    int             stop_at;     /* return stop_value at this record, 1.. */
    int             stop_value;
} test_collect_t;

typedef struct {
    unsigned long   line;
    const char     *title;
    const char     *type;
    const char     *date;        /* NULL: null */
    const char     *updated;     /* NULL: null */
    const char     *series;      /* NULL: series and number null */
    int             number;
    const char     *keywords[5]; /* NULL-terminated */
    const char     *tags[3];     /* NULL-terminated */
} test_expect_t;


/*
 * The parser's record (the loader's tree) as a jansson value: its written
 * form read back, null when that is not JSON
 */

static json_t *
test_jansson(resources_json_t *tree)
{
    json_t           *v;
    json_error_t      jerr;
    resources_buf_t   buf;

    memset(&buf, 0, sizeof(resources_buf_t));
    resources_json_write(tree, RESOURCES_JSON_ROOT, &buf);

    v = json_loadb((const char *) buf.data, buf.len, JSON_REJECT_DUPLICATES,
                   &jerr);
    resources_buf_free(&buf);

    return v ? v : json_null();
}


static int
test_record(void *data, resources_json_t *tree, unsigned long line)
{
    test_collect_t  *c = data;

    json_array_append_new(c->records, test_jansson(tree));
    json_array_append_new(c->lines, json_integer(line));

    if (c->stop_at && (int) json_array_size(c->records) == c->stop_at) {
        return c->stop_value;
    }

    return 0;
}


static void
test_error(void *data, unsigned long line, const char *message)
{
    test_collect_t  *c = data;

    json_array_append_new(c->errors, json_pack("[Is]", (json_int_t) line,
                                               message));
}


static int
test_parse(test_collect_t *c, const char *text, size_t len)
{
    memset(c, 0, sizeof(test_collect_t));

    c->records = json_array();
    c->lines = json_array();
    c->errors = json_array();

    return resources_listing_parse(text, len, test_record, test_error, c);
}


static void
test_free(test_collect_t *c)
{
    json_decref(c->records);
    json_decref(c->lines);
    json_decref(c->errors);
}


static char *
test_read(const char *path, size_t *len)
{
    char    *text;
    long     n;
    FILE    *f;

    f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }

    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);

    text = malloc(n + 1);

    if (text == NULL || fread(text, 1, n, f) != (size_t) n) {
        free(text);
        fclose(f);
        return NULL;
    }

    fclose(f);

    text[n] = '\0';
    *len = n;

    return text;
}


static int
test_starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}


static const char *
test_str(json_t *rec, const char *key)
{
    return json_string_value(json_object_get(rec, key));
}


static void
test_null_or_str(json_t *rec, const char *key, const char *want,
    const char *name)
{
    json_t  *v;

    v = json_object_get(rec, key);

    if (want == NULL) {
        if (!ok(json_is_null(v), "%s: %s is null", name, key)) {
            printf("#          got: '%s'\n",
                   json_is_string(v) ? json_string_value(v) : "?");
        }

        return;
    }

    is_str(json_string_value(v), want, "%s: %s", name, key);
}


/* rec[key] is exactly the array of strings want (NULL-terminated) */

static void
test_strings(json_t *rec, const char *key, const char *const *want,
    const char *name)
{
    int      same;
    char    *got;
    size_t   i, n;
    json_t  *a;

    a = json_object_get(rec, key);

    for (n = 0; want[n] != NULL; n++) {
        /* void */
    }

    same = json_is_array(a) && json_array_size(a) == n;

    for (i = 0; same && i < n; i++) {
        same = json_is_string(json_array_get(a, i))
               && strcmp(json_string_value(json_array_get(a, i)), want[i])
                  == 0;
    }

    if (!ok(same, "%s: %s", name, key)) {
        got = json_dumps(a, JSON_ENCODE_ANY);
        printf("#          got: %s\n", got ? got : "?");
        free(got);
    }
}


static void
test_link(json_t *rec, size_t i, const char *label, const char *url,
    const char *name)
{
    json_t  *link;

    link = json_array_get(json_object_get(rec, "links"), i);

    is_str(test_str(link, "label"), label, "%s: link %d label", name, (int) i);

    if (url == NULL) {
        ok(json_is_null(json_object_get(link, "url")), "%s: link %d url null",
           name, (int) i);

    } else {
        is_str(test_str(link, "url"), url, "%s: link %d url", name, (int) i);
    }
}


static void
test_expect(json_t *rec, unsigned long line, const test_expect_t *e)
{
    const char  *name;

    name = e->title;

    is_int(line, e->line, "%s: line", name);
    is_str(test_str(rec, "title"), e->title, "%s: title", name);
    is_str(test_str(rec, "type"), e->type, "%s: type", name);
    ok(json_is_false(json_object_get(rec, "private")), "%s: not private",
       name);
    test_strings(rec, "keywords", e->keywords, name);
    test_null_or_str(rec, "date", e->date, name);
    test_null_or_str(rec, "updated", e->updated, name);
    test_null_or_str(rec, "series", e->series, name);

    if (e->series) {
        is_int(json_integer_value(json_object_get(rec, "number")), e->number,
               "%s: number", name);

    } else {
        ok(json_is_null(json_object_get(rec, "number")), "%s: number null",
           name);
    }

    test_strings(rec, "tags", e->tags, name);

    /* in this export every summary repeats its body */

    is_str(test_str(rec, "summary"), test_str(rec, "body"),
           "%s: summary is the body", name);
}


static const test_expect_t  test_shared[] = {

    { 3, "Fiche Déniché pour vous n°126 - Le Centième Singe",
      "Ressources RTES", "2024-02", NULL, "Déniché pour vous", 126,
      { "tiers-lieu", "Scic", "alimentation", NULL },
      { "100ème singe", NULL } },

    { 31, "Fiche Déniché pour vous n°125 - Le Petit Lieu",
      "Ressources RTES", "2023-11", NULL, "Déniché pour vous", 125,
      { "réemploi", "foncier", "QPV", NULL },
      { "ESS", NULL } },

    { 61, "Découvrez le catalogue des ressources Politique de la Ville & ESS"
          " du RTES",
      "Ressources RTES", NULL, "2023-09-29", NULL, 0,
      { NULL },
      { NULL } },

    { 93, "Fiche Déniché pour vous n°124 - Collectif Abbal",
      "Ressources RTES", "2023-09", NULL, "Déniché pour vous", 124,
      { "urbanisme transitoire", "tiers-lieux", "QPV", NULL },
      { "esss", NULL } },

    { 117, "Fiche Déniché pour vous n°123 - Les Imaginations Fertiles & le"
           " FIL",
      "Ressources RTES", "2023-09", NULL, "Déniché pour vous", 123,
      { "PTCE", "SCIC", "tiers-lieux", "QPV", NULL },
      { "esss", NULL } },

    { 141, "\"Le tourisme responsable : une opportunité pour valoriser les"
           " aménités naturelles des territoires\" - ANCT",
      "Autres", NULL, NULL, NULL, 0,
      { NULL },
      { NULL } },

    { 175, "\"Co-construisons les ruralités de demain\" : retour sur la"
           " journée MCDR Grand-Est",
      "Ressources RTES", NULL, NULL, NULL, 0,
      { NULL },
      { NULL } },

    { 229, "Formation croisée ESS & Politique de la ville à Toulouse : Des"
           " synergies à favoriser pour répondre aux enjeux des QPV",
      "Ressources RTES", NULL, NULL, NULL, 0,
      { NULL },
      { "lt", "k", NULL } },

    { 289, "FlashWeb ESS Quartiers spécial PTCE avec l'ANCT",
      "Ressources RTES", NULL, NULL, NULL, 0,
      { NULL },
      { NULL } },

    { 343, "Webinaire \"Économies de subsistance : quels leviers pour"
           " l\xe2\x80\x99" "action publique ?\"",
      "Ressources RTES", NULL, NULL, NULL, 0,
      { NULL },
      { NULL } }
};


static void
test_shared_listing(const char *text, size_t len)
{
    int              rc, autres;
    size_t           i, n;
    json_t          *rec;
    const char      *body, *s;
    test_collect_t   c;

    rc = test_parse(&c, text, len);

    is_int(rc, 0, "shared: parsed");
    is_int(json_array_size(c.errors), 0, "shared: no error");

    n = json_array_size(c.records);

    is_int(n, 10, "shared: 10 records");

    autres = 0;

    for (i = 0; i < n; i++) {
        rec = json_array_get(c.records, i);

        s = test_str(rec, "type");
        autres += (s != NULL && strcmp(s, "Autres") == 0);

        s = test_str(rec, "title");
        ok(s != NULL && strcmp(s, "Réseau des collectivités Territoriales"
                               " pour une Économie Solidaire") != 0,
           "shared: record %d is not the site header", (int) i + 1);

        if (i < sizeof(test_shared) / sizeof(test_shared[0])) {
            test_expect(rec, json_integer_value(json_array_get(c.lines, i)),
                        &test_shared[i]);
        }
    }

    is_int(autres, 1, "shared: one resource of type \"Autres\"");

    if (n != 10) {
        test_free(&c);
        return;
    }

    rec = json_array_get(c.records, 0);
    is_str(test_str(rec, "id"),
           "fiche-deniche-pour-vous-n-126-le-centieme-singe",
           "shared: id of n\xc2\xb0" "126");
    test_link(rec, 0, "Téléchargez la fiche" NBSP "Déniché pour vous n°126"
              " - Le Centième Singe", NULL, "shared n°126");

    /* n°125: bullets kept as lines of a paragraph, no keyword line */

    rec = json_array_get(c.records, 1);
    body = test_str(rec, "body");

    ok(body != NULL && strstr(body, "activités :\n\n• une recyclerie"
                              " solidaire dédiée à la petite enfance"),
       "shared n°125: body has the first bullet, after a blank line");
    ok(body != NULL && strstr(body, "de puériculture),\n• des ateliers"
                              " d’accompagnement"),
       "shared n°125: body has the second bullet on the next line");
    ok(body != NULL && strstr(body, "Mots-clés") == NULL,
       "shared n°125: body has no keyword line");
    ok(body != NULL && strstr(body, "\n\nESS") == NULL,
       "shared n°125: body has no caption line");
    ok(body != NULL && test_starts(body, "Créée en février 2020"),
       "shared n°125: body starts with its first paragraph");

    rec = json_array_get(c.records, 2);
    test_link(rec, 0, "Retrouvez le catalogue \"Politique de la ville & ESS\""
              " ici !", NULL, "shared catalogue");
    body = test_str(rec, "body");
    ok(body != NULL && strstr(body, "\n\nMis à jour le 29 septembre 2023\n\n"),
       "shared catalogue: the update line stays in the body");

    /* the "Autres" one: the line of a lone non-breaking space is blank */

    rec = json_array_get(c.records, 5);
    body = test_str(rec, "body");
    s = body ? strrchr(body, '\n') : NULL;
    is_str(s, "\nRetrouvez la publication ici",
           "shared tourisme: body ends with the link line");

    rec = json_array_get(c.records, 7);
    is_int(json_array_size(json_object_get(rec, "links")), 2,
           "shared formation: 2 links");
    test_link(rec, 0, "https://www.linkedin.com/in/rousseausarah/"
              "recent-activity/", "https://www.linkedin.com/in/"
              "rousseausarah/recent-activity/", "shared formation");
    test_link(rec, 1, "RETROUVEZ EN CLIQUANT ICI UNE VIDÉO DE PRÉSENTATION"
              " DU" NBSP "COLLECTIF ABBAL", NULL, "shared formation");

    /* the last summary stops with the file */

    rec = json_array_get(c.records, 9);
    s = test_str(rec, "summary");
    ok(s != NULL && strlen(s) > 14
       && strcmp(s + strlen(s) - 14, "\n\nRESSOURCES :") == 0,
       "shared webinaire: summary ends with the end of the file");
    ok(s != NULL && test_starts(s, "Économies “informelles”"),
       "shared webinaire: summary starts with the first paragraph");

    test_free(&c);
}


static void
test_sample(const char *text, size_t len)
{
    int              rc;
    json_t          *r;
    test_collect_t   c;

    static const char  *none[] = { NULL };
    static const char  *kw1[] = { "QPV", "Tiers-lieux", NULL };
    static const char  *tags1[] = { "bocaux", NULL };
    static const char  *kw3[] = { "jardin", "semences", "QPV", NULL };
    static const char  *tags3[] = { "jardins", NULL };

    static const char  *body1 =
        "La Conserverie du Quai transforme chaque semaine les invendus des"
        " maraîchers du canton en soupes et en bocaux vendus sur place.\n"
        "\n"
        "Elle propose deux services :\n"
        "• un atelier de transformation ouvert aux habitants le samedi,\n"
        "• une épicerie à prix choisis pour les familles du quartier.\n"
        "\n"
        "Téléchargez la fiche Déniché pour vous n°7 - La Conserverie du Quai";

    static const char  *guide =
        "Ce guide aide les équipes municipales à préparer le renouvellement"
        " d'un marché de restauration scolaire.";

    static const char  *body3 =
        "Une quarantaine de jardiniers se sont retrouvés à Saint-Aubin\n"
        "pour échanger leurs semences et leurs astuces.\n"
        "\n"
        "https://exemple.org/jardins-partages";

    static const char  *note =
        "La note recense les clauses sociales et environnementales"
        " utilisées par dix communes en 2024.\n"
        "\n"
        "Elle compare leurs effets sur l'emploi";

    rc = test_parse(&c, text, len);

    is_int(rc, 0, "sample: parsed");
    is_int(json_array_size(c.errors), 0, "sample: no error");
    is_int(json_array_size(c.records), 4, "sample: 4 records");

    if (json_array_size(c.records) != 4) {
        test_free(&c);
        return;
    }

    /* 1: a numbered "Fiche", an odd keyword line, a caption */

    r = json_array_get(c.records, 0);

    is_int(json_integer_value(json_array_get(c.lines, 0)), 3, "sample 1: line");
    is_str(test_str(r, "id"),
           "fiche-deniche-pour-vous-n-7-la-conserverie-du-quai",
           "sample 1: id");
    is_str(test_str(r, "title"),
           "Fiche Déniché pour vous n°7 - La Conserverie du Quai",
           "sample 1: title");
    is_str(test_str(r, "type"), "Ressources RTES", "sample 1: type");
    ok(json_is_false(json_object_get(r, "private")), "sample 1: not private");
    is_str(test_str(r, "date"), "2025-01", "sample 1: date");
    test_null_or_str(r, "updated", NULL, "sample 1");
    test_strings(r, "keywords", kw1, "sample 1");
    test_strings(r, "tags", tags1, "sample 1");
    is_str(test_str(r, "series"), "Déniché pour vous", "sample 1: series");
    is_int(json_integer_value(json_object_get(r, "number")), 7,
           "sample 1: number");
    ok(json_is_integer(json_object_get(r, "number")),
       "sample 1: number is an integer");
    is_str(test_str(r, "body"), body1, "sample 1: body");
    is_str(test_str(r, "summary"), body1, "sample 1: summary");
    is_int(json_array_size(json_object_get(r, "links")), 1,
           "sample 1: 1 link");
    test_link(r, 0, "Téléchargez la fiche Déniché pour vous n°7 - La"
              " Conserverie du Quai", NULL, "sample 1");
    is_int(json_object_size(r), 13, "sample 1: 13 fields");

    /* 2: quotes and a colon, private, "Autres", "1er", a short summary */

    r = json_array_get(c.records, 1);

    is_int(json_integer_value(json_array_get(c.lines, 1)), 35,
           "sample 2: line");
    is_str(test_str(r, "id"),
           "cantines-10-questions-a-se-poser-guide-pour-les-elus",
           "sample 2: id");
    is_str(test_str(r, "title"),
           "\"Cantines : 10 questions à se poser\" : guide pour les élus",
           "sample 2: title");
    is_str(test_str(r, "type"), "Autres", "sample 2: type");
    ok(json_is_true(json_object_get(r, "private")), "sample 2: private");
    test_null_or_str(r, "date", NULL, "sample 2");
    is_str(test_str(r, "updated"), "2024-03-01", "sample 2: updated");
    test_strings(r, "keywords", none, "sample 2");
    test_strings(r, "tags", none, "sample 2");
    test_null_or_str(r, "series", NULL, "sample 2");
    ok(json_is_null(json_object_get(r, "number")), "sample 2: number null");
    is_str(test_str(r, "body"),
           "Ce guide aide les équipes municipales à préparer le"
           " renouvellement d'un marché de restauration scolaire.\n\n"
           "Retrouvez le guide ici\n\n"
           "Mis à jour le 1er mars 2024", "sample 2: body");
    is_str(test_str(r, "summary"), guide, "sample 2: summary");
    is_int(json_array_size(json_object_get(r, "links")), 1,
           "sample 2: 1 link");
    test_link(r, 0, "Retrouvez le guide ici", NULL, "sample 2");

    /* 3: a colon, an upper case month with an accent, a URL line */

    r = json_array_get(c.records, 2);

    is_int(json_integer_value(json_array_get(c.lines, 2)), 51,
           "sample 3: line");
    is_str(test_str(r, "id"), "compte-rendu-la-journee-des-jardins-partages",
           "sample 3: id");
    is_str(test_str(r, "title"),
           "Compte rendu : la journée des jardins partagés",
           "sample 3: title");
    is_str(test_str(r, "type"), "Ressources RTES", "sample 3: type");
    ok(json_is_false(json_object_get(r, "private")), "sample 3: not private");
    is_str(test_str(r, "date"), "2023-08", "sample 3: date");
    test_null_or_str(r, "updated", NULL, "sample 3");
    test_strings(r, "keywords", kw3, "sample 3");
    test_strings(r, "tags", tags3, "sample 3");
    test_null_or_str(r, "series", NULL, "sample 3");
    ok(json_is_null(json_object_get(r, "number")), "sample 3: number null");
    is_str(test_str(r, "body"), body3, "sample 3: body");
    is_str(test_str(r, "summary"), body3, "sample 3: summary");
    is_int(json_array_size(json_object_get(r, "links")), 1,
           "sample 3: 1 link");
    test_link(r, 0, "https://exemple.org/jardins-partages",
              "https://exemple.org/jardins-partages", "sample 3");

    /* 4: no keyword line, the summary cut short by the end of the file */

    r = json_array_get(c.records, 3);

    is_int(json_integer_value(json_array_get(c.lines, 3)), 77,
           "sample 4: line");
    is_str(test_str(r, "id"), "note-de-veille-sur-l-achat-public-responsable",
           "sample 4: id");
    is_str(test_str(r, "title"),
           "Note de veille sur l'achat public responsable",
           "sample 4: title");
    is_str(test_str(r, "type"), "Études", "sample 4: type");
    ok(json_is_false(json_object_get(r, "private")), "sample 4: not private");
    test_null_or_str(r, "date", NULL, "sample 4");
    test_null_or_str(r, "updated", NULL, "sample 4");
    test_strings(r, "keywords", none, "sample 4");
    test_strings(r, "tags", none, "sample 4");
    test_null_or_str(r, "series", NULL, "sample 4");
    ok(json_is_null(json_object_get(r, "number")), "sample 4: number null");
    is_str(test_str(r, "body"),
           "La note recense les clauses sociales et environnementales"
           " utilisées par dix communes en 2024.\n\n"
           "Elle compare leurs effets sur l'emploi local et sur les petites"
           " entreprises.", "sample 4: body");
    is_str(test_str(r, "summary"), note, "sample 4: summary");
    is_int(json_array_size(json_object_get(r, "links")), 0,
           "sample 4: no link");

    test_free(&c);
}


/* the sample with "\r\n" line ends gives the same records */

static void
test_sample_crlf(const char *text, size_t len)
{
    int              rc, same;
    char            *crlf, *a, *b;
    size_t           i, n;
    test_collect_t   c, d;

    crlf = malloc(2 * len + 1);
    if (crlf == NULL) {
        ok(0, "crlf: out of memory");
        return;
    }

    for (i = 0, n = 0; i < len; i++) {
        if (text[i] == '\n') {
            crlf[n++] = '\r';
        }

        crlf[n++] = text[i];
    }

    rc = test_parse(&c, crlf, n);
    is_int(rc, 0, "crlf: parsed");

    test_parse(&d, text, len);

    a = json_dumps(c.records, JSON_COMPACT);
    b = json_dumps(d.records, JSON_COMPACT);
    same = (a != NULL && b != NULL && strcmp(a, b) == 0);

    ok(same, "crlf: the same records");
    ok(json_equal(c.lines, d.lines), "crlf: the same lines");

    free(a);
    free(b);
    free(crlf);
    test_free(&c);
    test_free(&d);
}


static void
test_errors(const char *sample, size_t sample_len)
{
    int              rc;
    json_t          *e;
    test_collect_t   c;

    static const char  invalid[] =
        "Titre\n"
        "\n"
        "Un texte \xff ici\n"
        "Type de ressource\n"
        "Autres\n"
        "Ressource priv\xc3\xa9" "e\n"
        "Non\n";

    static const char  nul[] = "Titre\nUn\0texte\n";

    static const char  three[] =
        "Titre A\n"                               /*  1 */
        "\n"
        "Texte de A.\n"
        "\n"
        "Type de ressource\n"                     /*  5 */
        "Autres\n"
        "Ressource priv\xc3\xa9" "e\n"
        "Non\n"
        "R\xc3\xa9sum\xc3\xa9\n"
        "\n"                                      /* 10 */
        "Texte de A.\n"
        "\n"
        "Titre B\n"
        "\n"
        "Texte de B.\n"                           /* 15 */
        "\n"
        "Type de ressource\n"
        "Autres\n"
        "Ressource priv\xc3\xa9" "e\n"
        "Peut-\xc3\xaatre\n"                      /* 20 */
        "R\xc3\xa9sum\xc3\xa9\n"
        "\n"
        "Texte de B.\n"
        "\n"
        "Titre C\n"                               /* 25 */
        "\n"
        "Texte de C.\n"
        "\n"
        "Type de ressource\n"
        "Autres\n"                                /* 30 */
        "Ressource priv\xc3\xa9" "e\n"
        "Non\n"
        "R\xc3\xa9sum\xc3\xa9\n"
        "\n"
        "Texte de C.\n";                          /* 35 */

    static const char  no_type[] =
        "Titre A\n"                               /*  1 */
        "\n"
        "Texte de A.\n"
        "\n"
        "Type de ressource\n"                     /*  5 */
        "Autres\n"
        "Ressource priv\xc3\xa9" "e\n"
        "Non\n"
        "R\xc3\xa9sum\xc3\xa9\n"
        "\n"                                      /* 10 */
        "Texte de A.\n"
        "\n"
        "Titre B\n"
        "\n"
        "Texte de B.\n"                           /* 15 */
        "\n"
        "Ressource priv\xc3\xa9" "e\n"
        "Non\n"
        "R\xc3\xa9sum\xc3\xa9\n"
        "\n"                                      /* 20 */
        "Texte de B.\n";

    static const char  empty_type[] =
        "Titre A\n"                               /*  1 */
        "\n"
        "Texte.\n"
        "\n"
        "Type de ressource\n"                     /*  5 */
        "Ressource priv\xc3\xa9" "e\n"
        "Non\n";

    static const char  no_private[] =
        "Titre A\n"                               /*  1 */
        "\n"
        "Texte.\n"
        "\n"
        "Type de ressource\n"                     /*  5 */
        "Autres\n"
        "Non\n";

    static const char  no_title[] =
        "Type de ressource\n"
        "Autres\n"
        "Ressource priv\xc3\xa9" "e\n"
        "Non\n";

    static const char  jsonl[] =
        "{\"id\":\"a\",\"title\":\"A\",\"type\":\"Autres\"}\n";

    static const char  detect_yes[] =
        "Type de ressource\nAutres\nRessource priv\xc3\xa9" "e\nNon\n";

    static const char  detect_gap[] =
        "Type de ressource\n\nRessource priv\xc3\xa9" "e\nNon\n";

    /* invalid UTF-8: reported with its line, nothing reported as a record */

    rc = test_parse(&c, invalid, sizeof(invalid) - 1);
    is_int(rc, -1, "invalid UTF-8: -1");
    is_int(json_array_size(c.records), 0, "invalid UTF-8: no record");
    is_int(json_array_size(c.errors), 1, "invalid UTF-8: one error");
    e = json_array_get(c.errors, 0);
    is_int(json_integer_value(json_array_get(e, 0)), 3,
           "invalid UTF-8: line 3");
    is_str(json_string_value(json_array_get(e, 1)), "invalid UTF-8",
           "invalid UTF-8: message");
    test_free(&c);

    rc = test_parse(&c, nul, sizeof(nul) - 1);
    is_int(rc, -1, "NUL byte: -1");
    e = json_array_get(c.errors, 0);
    is_int(json_integer_value(json_array_get(e, 0)), 2, "NUL byte: line 2");
    is_str(json_string_value(json_array_get(e, 1)), "NUL byte",
           "NUL byte: message");
    test_free(&c);

    /* a resource that is neither public nor private is skipped alone */

    rc = test_parse(&c, three, sizeof(three) - 1);
    is_int(rc, 0, "Peut-\xc3\xaatre: parsed");
    is_int(json_array_size(c.records), 2, "Peut-\xc3\xaatre: 2 records");
    is_str(test_str(json_array_get(c.records, 0), "title"), "Titre A",
           "Peut-\xc3\xaatre: first record");
    is_str(test_str(json_array_get(c.records, 0), "summary"), "Texte de A.",
           "Peut-\xc3\xaatre: first summary");
    is_str(test_str(json_array_get(c.records, 1), "title"), "Titre C",
           "Peut-\xc3\xaatre: last record");
    is_int(json_integer_value(json_array_get(c.lines, 1)), 25,
           "Peut-\xc3\xaatre: last record line");
    is_int(json_array_size(c.errors), 1, "Peut-\xc3\xaatre: one error");
    e = json_array_get(c.errors, 0);
    is_int(json_integer_value(json_array_get(e, 0)), 20,
           "Peut-\xc3\xaatre: line of the value");
    is_str(json_string_value(json_array_get(e, 1)),
           "resource \"Titre B\": \"Ressource priv\xc3\xa9" "e\" is"
           " \"Peut-\xc3\xaatre\", not \"Oui\" or \"Non\"",
           "Peut-\xc3\xaatre: message");
    test_free(&c);

    rc = test_parse(&c, no_type, sizeof(no_type) - 1);
    is_int(rc, 0, "no type: parsed");
    is_int(json_array_size(c.records), 1, "no type: 1 record");
    e = json_array_get(c.errors, 0);
    is_int(json_integer_value(json_array_get(e, 0)), 17, "no type: line");
    is_str(json_string_value(json_array_get(e, 1)),
           "resource \"Titre B\" has no \"Type de ressource\" section",
           "no type: message");
    test_free(&c);

    rc = test_parse(&c, empty_type, sizeof(empty_type) - 1);
    is_int(rc, 0, "empty type: parsed");
    is_int(json_array_size(c.records), 0, "empty type: no record");
    e = json_array_get(c.errors, 0);
    is_int(json_integer_value(json_array_get(e, 0)), 5, "empty type: line");
    is_str(json_string_value(json_array_get(e, 1)),
           "resource \"Titre A\" has an empty \"Type de ressource\" section",
           "empty type: message");
    test_free(&c);

    rc = test_parse(&c, no_private, sizeof(no_private) - 1);
    is_int(rc, 0, "no private: parsed");
    is_int(json_array_size(c.records), 0, "no private: no record");
    e = json_array_get(c.errors, 0);
    is_int(json_integer_value(json_array_get(e, 0)), 7, "no private: line");
    is_str(json_string_value(json_array_get(e, 1)),
           "resource \"Titre A\" has no \"Ressource priv\xc3\xa9" "e\""
           " section", "no private: message");
    test_free(&c);

    rc = test_parse(&c, no_title, sizeof(no_title) - 1);
    is_int(rc, 0, "no title: parsed");
    is_int(json_array_size(c.records), 0, "no title: no record");
    e = json_array_get(c.errors, 0);
    is_int(json_integer_value(json_array_get(e, 0)), 1, "no title: line");
    is_str(json_string_value(json_array_get(e, 1)),
           "no title before \"Type de ressource\"", "no title: message");
    test_free(&c);

    /* nothing to parse */

    rc = test_parse(&c, "", 0);
    is_int(rc, -1, "empty: -1");
    is_int(json_array_size(c.errors), 1, "empty: one error");
    e = json_array_get(c.errors, 0);
    is_int(json_integer_value(json_array_get(e, 0)), 0, "empty: line 0");
    is_str(json_string_value(json_array_get(e, 1)), "no resource found",
           "empty: message");
    test_free(&c);

    rc = test_parse(&c, jsonl, sizeof(jsonl) - 1);
    is_int(rc, -1, "JSON Lines as a listing: -1");
    test_free(&c);

    /* the handler stops the parse */

    memset(&c, 0, sizeof(test_collect_t));
    c.records = json_array();
    c.lines = json_array();
    c.errors = json_array();
    c.stop_at = 2;
    c.stop_value = 7;

    rc = resources_listing_parse(sample, sample_len, test_record, test_error,
                                 &c);
    is_int(rc, 7, "stop: the handler's value");
    is_int(json_array_size(c.records), 2, "stop: 2 records");
    test_free(&c);

    /* format detection */

    is_int(resources_listing_detect(jsonl, sizeof(jsonl) - 1), 0,
           "detect: JSON Lines");
    is_int(resources_listing_detect(sample, sample_len), 1, "detect: sample");
    is_int(resources_listing_detect("", 0), 0, "detect: empty");
    is_int(resources_listing_detect(detect_yes, sizeof(detect_yes) - 1), 1,
           "detect: the sections alone");
    is_int(resources_listing_detect(detect_gap, sizeof(detect_gap) - 1), 0,
           "detect: no type line");
    is_int(resources_listing_detect(invalid, sizeof(invalid) - 1), 1,
           "detect: invalid UTF-8 elsewhere");
}


int
main(int argc, char **argv)
{
    char        *shared, *sample;
    size_t       shared_len, sample_len;
    const char  *path;

    path = argc > 1 ? argv[1] : TEST_SHARED;

    shared = test_read(path, &shared_len);
    if (shared == NULL) {
        printf("1..0 # SKIP no shared listing\n");
        return 0;
    }

    path = argc > 2 ? argv[2] : TEST_SAMPLE;

    sample = test_read(path, &sample_len);

    if (!ok(sample != NULL, "sample %s read", path)) {
        free(shared);
        return tap_done();
    }

    test_shared_listing(shared, shared_len);
    test_sample(sample, sample_len);
    test_sample_crlf(sample, sample_len);
    test_errors(sample, sample_len);

    free(shared);
    free(sample);

    return tap_done();
}
