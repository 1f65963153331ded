/*
 * bench/gen.c: a deterministic synthetic resource catalogue, for benchmarks.
 *
 *   gen [OPTIONS] N [SEED] > catalogue.jsonl   N records, canonical format
 *   gen [OPTIONS] -r INDEX [SEED]      record INDEX (0-based) alone
 *   gen [OPTIONS] -k RANK              the keyword of that Zipf rank (1-based)
 *   gen [OPTIONS] -t RANK              the type of that Zipf rank (1-based)
 *   gen [OPTIONS] -w RANK              the vocabulary word of that rank
 *   gen [OPTIONS] -i                   the vocabulary: size, source, checksum
 *
 * OPTIONS:
 *   -v large   (the default) the realistic catalogue: a vocabulary of
 *              20,000 distinct French words, the 532 distinct words below
 *              first, then words of a French word list (-d); a title of 5-15
 *              words, a summary of 45-75 words, a body of 200-300 (#23)
 *   -v small   the catalogue of the first sessions (docs/benchmarks.md up
 *              to 0.4.0): the 536 words below only (4 of them twice, at
 *              two ranks), a summary of 200-360 bytes, a body of 1500-3300
 *              bytes; byte for byte the output of the generator before
 *              "-v" existed
 *   -V SIZE    the large vocabulary's size (default 20000, at least 1000)
 *   -d FILE    the word list of the large vocabulary (default
 *              /usr/share/dict/french, Debian's package wfrench)
 *
 * The same N and SEED (and vocabulary) give the same bytes on any x86-64
 * Linux: the only randomness is splitmix64, seeded per record from (SEED,
 * index), and every distribution is computed with integers (no floating
 * point, no rand()), so a record does not depend on the records before it.
 *
 * The large vocabulary does not depend on the word list's order: its
 * usable lines (lower case French letters and inner dashes, 2 to 30
 * bytes, not one of the 536, not a rare verb form: the endings of the
 * passé simple, the imperfect subjunctive, the conditional and the future
 * below) are ordered by a 64-bit hash of their bytes (ties by bytes,
 * duplicates dropped), and the first SIZE - 532 of that order take the
 * ranks after the 532 distinct words below.  So the same list gives the
 * same vocabulary, sorted or not; another list (another version of
 * wfrench) gives another: "gen -i" prints a checksum of the vocabulary
 * (bench/run logs it, and a cached catalogue is made again when it
 * changes).  Without
 * the list, the large vocabulary fails with a message naming the package
 * and "-v small"; it never falls back silently.  wfrench 1.2.7-2 (Debian
 * bookworm, 346,205 lines) has 230,509 usable words.
 *
 * Records (docs/loader.md): id, title, type, private, date (YYYY-MM or null),
 * updated (sometimes), keywords, series, number, summary, body (paragraphs
 * separated by a blank line), links.  Word choice Zipf (s = 1) over the
 * vocabulary; keywords Zipf over ~2000 (rank 1 is "QPV"); types Zipf over
 * 12; 2% private; dates 2000-2025, ~3% undated.  Ids are "<slug of the
 * title, at most 60 bytes>-<index>": unique (the last component is the
 * index) and [a-z0-9-].
 *
 * BSD 2-Clause, like the project.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>


/* the vocabulary, most frequent first (rank 1 = "de") */

static const char  *vocab[] = {
    /* function words, the most frequent */
    "de", "la", "les", "le", "des", "et", "à", "en", "du", "un", "une",
    "pour", "dans", "sur", "par", "avec", "est", "qui", "que", "au", "aux",
    "sont", "ce", "cette", "ces", "leur", "leurs", "plus", "ou", "se", "sa",
    "son", "ses", "il", "elle", "ils", "elles", "on", "nous", "comme",
    "entre", "mais", "aussi", "tout", "tous", "toutes", "très", "sans",
    "sous", "depuis", "vers", "chez", "ainsi", "dont", "où", "être",
    "avoir", "fait", "peut", "peuvent", "doivent", "permet", "été", "a",
    "ont", "ne", "pas", "afin", "lors", "selon", "notamment", "autour",
    /* the domain */
    "économie", "sociale", "solidaire", "collectivités", "territoires",
    "projet", "acteurs", "l'économie", "habitants", "quartiers",
    "coopération", "emploi", "développement", "local", "politique",
    "publique", "associations", "entreprises", "réseau", "élus",
    "territoire", "accompagnement", "d'insertion", "projets", "locale",
    "solidaires", "tiers-lieux", "prioritaires", "collectivité",
    "insertion", "financement", "soutien", "partenaires", "communes",
    "l'ESS", "ESS", "alimentation", "coopérative", "coopératives",
    "transition", "écologique", "commune", "intercommunalité", "métropole",
    "région", "département", "ville", "rural", "rurale", "techniciens",
    "l'association", "réemploi", "foncier", "logement", "habitat",
    "mobilité", "énergie", "durable", "culture", "santé", "jeunes",
    "femmes", "égalité", "précarité", "pauvreté", "solidarité", "citoyens",
    "participation", "gouvernance", "innovation", "expérimentation",
    "dispositif", "marchés", "commande", "achats", "responsables",
    "clauses", "sociales", "environnementales", "subventions", "fonds",
    "investissement", "épargne", "monnaie", "monnaies", "complémentaires",
    "commerce", "équitable", "tourisme", "numérique", "services",
    "proximité", "besoins", "usagers", "bénévoles", "salariés", "formation",
    "compétences", "métiers", "filière", "filières", "structures", "lieu",
    "lieux", "espace", "espaces", "bâtiment", "friche", "friches",
    "ancien", "ancienne", "nouveau", "nouvelle", "nouvelles", "mise",
    "place", "œuvre", "cadre", "stratégie", "plan", "programme", "action",
    "actions", "démarche", "outil", "outils", "guide", "fiche", "retour",
    "expérience", "expériences", "témoignages", "exemple", "exemples",
    "enjeux", "objectifs", "résultats", "évaluation", "impact", "utilité",
    "valeur", "pratiques", "bonnes", "initiatives", "initiative",
    "dynamique", "dynamiques", "accompagner", "développer", "soutenir",
    "favoriser", "renforcer", "créer", "construire", "mobiliser",
    "valoriser", "mutualiser", "partager", "présenter", "proposer",
    "permettre", "améliorer", "agir", "coopérer", "coordonner", "animer",
    "financer", "structurer", "rassembler", "échanger", "identifier",
    "économique", "économiques", "collectif", "collective", "collectifs",
    "partagé", "partagée", "inclusive", "inclusif", "responsable",
    "durables", "concret", "concrètes", "innovant", "innovante",
    "territorial", "territoriale", "intercommunal", "municipal",
    "municipale", "départemental", "régional", "régionale", "national",
    "nationale", "européen", "européenne", "public", "privé", "privés",
    "associatif", "associative", "coopératif", "participatif",
    "participative", "énergétique", "alimentaire", "agricole", "agricoles",
    "culturel", "culturelle", "sportif", "éducatif", "urbain", "urbaine",
    "périurbain", "année", "années", "création", "emplois", "activité",
    "activités", "production", "consommation", "distribution", "vente",
    "circularité", "sobriété", "ressource", "ressources", "patrimoine",
    "mécénat", "fondation", "banque", "crédit", "prêt", "garantie",
    "régie", "SCIC", "SCOP", "CAE", "PTCE", "ESUS", "SIAE", "QPV",
    "agrément", "label", "convention", "contrat", "loi", "réglementation",
    "données", "étude", "études", "enquête", "diagnostic", "observatoire",
    "chiffres", "indicateurs", "rapport", "synthèse", "séminaire",
    "rencontre", "rencontres", "journée", "atelier", "ateliers",
    "webinaire", "visite", "colloque", "forum", "cantine", "restauration",
    "épicerie", "garage", "ressourcerie", "recyclerie", "vélo",
    "covoiturage", "agriculteurs", "producteurs", "circuits", "courts",
    "maraîchage", "biodiversité", "eau", "déchets", "climat",
    "environnement", "quartier", "centre-bourg", "centres-villes",
    "zones", "périphérie", "montagne", "littoral", "île", "outre-mer",
    "réseaux", "fédération", "union", "collectifs", "mouvement",
    "citoyenne", "citoyennes", "démocratie", "concertation",
    "co-construction", "participation", "budget", "budgets", "dépenses",
    "recettes", "fiscalité", "aides", "appel", "appels", "candidatures",
    "lauréats", "jury", "critères", "sélection", "l’habitat",
    "l’accompagnement", "d’emploi", "qu’elles", "jusqu’à", "aujourd’hui",
    "également", "désormais", "néanmoins", "cependant", "enfin", "déjà",
    "encore", "toujours", "souvent", "parfois", "ensemble", "mieux",
    "beaucoup", "plusieurs", "chaque", "autres", "même", "mêmes", "grand",
    "grande", "petit", "petite", "petites", "premier", "première",
    "dernier", "dernière", "différents", "différentes", "nombreux",
    "nombreuses", "principaux", "principales", "essentiel", "essentielle",
    "possible", "nécessaire", "important", "importante", "forte",
    "fortes", "réel", "réelle", "véritable", "véritables", "spécifique",
    "spécifiques", "adapté", "adaptés", "accessible", "accessibles",
    "pérenne", "pérennes", "sensibilisation", "éducation", "populaire",
    "enfance", "handicap", "vieillissement", "autonomie", "aidants",
    "lien", "liens", "social", "sociaux", "vivre-ensemble", "mixité",
    "accueil", "réfugiés", "migrants", "langue", "illettrisme",
    "décrochage", "scolaire", "orientation", "apprentissage",
    "qualification", "reconversion", "chômeurs", "chômage", "longue",
    "durée", "zéro", "expérimental", "démonstrateur", "essaimage",
    "changement", "échelle", "modèle", "modèles", "hybride", "hybrides",
    "recherche", "universités", "laboratoire", "incubateur", "fabrique",
    "pépinière", "couveuse", "accélérateur", "entrepreneuriat",
    "entrepreneurs", "porteurs", "repreneurs", "reprise", "transmission",
    "salariale", "sociétaire", "sociétaires", "multisociétariat",
    "bénévolat", "volontariat", "engagement", "militants", "adhérents",
    "membres", "conseil", "d'administration", "assemblée", "générale",
    "statuts", "juridique", "fiscale", "comptable", "gestion",
    "trésorerie", "modèle", "économique", "viabilité", "rentabilité",
    "lucrativité", "limitée", "excédents", "réserves", "impartageables",
};

/* keywords: real ones first (rank 1 = "QPV"), then generated pairs */

static const char  *kw_real[] = {
    "QPV", "tiers-lieux", "alimentation", "coopération", "SCIC", "PTCE",
    "réemploi", "foncier", "mobilité", "insertion", "commande publique",
    "Économie circulaire", "emploi", "ESS", "jeunesse", "numérique",
    "culture", "santé", "logement", "énergie", "agriculture",
    "circuits courts", "développement local", "monnaie locale",
    "finances", "achats responsables", "clauses sociales", "SIAE",
    "entreprise d'insertion", "chantier d'insertion",
    "territoire zéro chômeur", "TZCLD", "ressourcerie", "recyclerie",
    "habitat participatif", "mutualisation", "gouvernance", "financement",
    "subventions", "appel à projets", "fondation", "mécénat", "bénévolat",
    "association", "coopérative", "CAE", "SCOP", "innovation sociale",
    "transition écologique", "biodiversité", "eau", "déchets",
    "économie de proximité", "commerce équitable", "tourisme solidaire",
    "sport", "éducation populaire", "petite enfance", "handicap",
    "vieillissement", "égalité femmes-hommes", "lutte contre la pauvreté",
    "précarité énergétique", "ruralité", "politique de la ville",
    "contrat de ville", "intercommunalité", "région", "département",
    "métropole", "alimentation durable", "projet alimentaire territorial",
    "cantine", "restauration collective", "vélo", "covoiturage",
    "garage solidaire", "épicerie solidaire", "monnaies locales",
    "budget", "Europe", "FEDER", "FSE+", "achat public", "marchés réservés",
    "SPASER", "plan climat", "centre-bourg", "friches", "urbanisme",
    "tourisme", "jeunes", "femmes", "migrants", "numérique inclusif",
    "données", "évaluation", "utilité sociale", "impact social",
    "observatoire", "formation", "compétences", "entrepreneuriat",
    "incubateur", "reprise d'entreprise", "transmission", "épargne solidaire",
    "finance solidaire", "fonds territorial", "prêt d'honneur",
    "garantie", "ESUS", "agrément", "label", "réseau", "RTES",
    "élus", "techniciens", "Déniché pour vous", "webinaire", "guide",
};

static const char  *kw_nouns[] = {
    "économie", "alimentation", "mobilité", "habitat", "énergie",
    "culture", "santé", "emploi", "formation", "insertion", "foncier",
    "agriculture", "tourisme", "commerce", "numérique", "logement",
    "finance", "épargne", "innovation", "coopération", "gouvernance",
    "participation", "solidarité", "transition", "restauration",
    "distribution", "production", "consommation", "mutualisation",
    "accompagnement", "entrepreneuriat", "bénévolat", "éducation",
    "jeunesse", "enfance", "autonomie", "accueil", "inclusion",
    "sobriété", "circularité", "réparation", "recyclage", "collecte",
    "logistique", "artisanat", "industrie", "services", "médiation",
    "animation", "concertation", "évaluation", "observation",
    "planification", "commande", "achats", "filière", "territoire",
    "quartier", "village", "bassin",
};

static const char  *kw_quals[] = {
    "solidaire", "locale", "durable", "rurale", "urbaine", "partagée",
    "citoyenne", "collective", "inclusive", "territoriale", "sociale",
    "coopérative", "associative", "publique", "responsable", "équitable",
    "circulaire", "participative", "intercommunale", "municipale",
    "régionale", "européenne", "numérique", "écologique", "énergétique",
    "alimentaire", "agricole", "culturelle", "sportive", "éducative",
    "innovante", "expérimentale", "populaire", "accessible", "de proximité",
    "en QPV", "en milieu rural", "en montagne", "en outre-mer",
    "des jeunes", "des femmes", "des seniors",
};

static const char  *types[] = {
    "Ressources RTES", "Autres", "Guides", "Webinaires", "Comptes rendus",
    "Fiches pratiques", "Études", "Lettres d'information",
    "Documents internes", "Vidéos", "Délibérations", "Revues de presse",
};

#define NVOCAB   (sizeof(vocab) / sizeof(vocab[0]))
#define NTYPES   (sizeof(types) / sizeof(types[0]))
#define NKW_MAX  2000


/* splitmix64 */

static uint64_t
sm64(uint64_t *s)
{
    uint64_t  z;

    z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}


/* a uniform integer in [0, n) */

static uint32_t
below(uint64_t *s, uint32_t n)
{
    return (uint32_t) (((unsigned __int128) sm64(s) * n) >> 64);
}


/*
 * Zipf (s = 1) with integer weights W / rank: a cumulative table and a
 * guide table of 4096 buckets, so a draw is one random number, one lookup
 * and a short scan.
 */

typedef struct {
    uint32_t   n;
    uint64_t   total;
    uint64_t  *cum;        /* cum[i]: weights of ranks 1..i+1 */
    uint32_t   guide[4097];
} zipf_t;


static void
zipf_init(zipf_t *z, uint32_t n)
{
    uint32_t  i, b;
    uint64_t  acc;

    z->n = n;
    z->cum = malloc(n * sizeof(uint64_t));
    if (z->cum == NULL) {
        perror("gen: malloc");
        exit(1);
    }

    for (acc = 0, i = 0; i < n; i++) {
        acc += 1000000000000ULL / (i + 1);
        z->cum[i] = acc;
    }

    z->total = acc;

    for (b = 0, i = 0; b <= 4096; b++) {
        /* the first rank whose cum exceeds b * total / 4096 */
        uint64_t  t = (uint64_t) (((unsigned __int128) z->total * b) >> 12);

        while (i < n - 1 && z->cum[i] <= t) {
            i++;
        }

        z->guide[b] = i;
    }
}


static uint32_t
zipf_draw(zipf_t *z, uint64_t *s)      /* a 0-based rank */
{
    uint64_t  r;
    uint32_t  i;

    r = (uint64_t) (((unsigned __int128) sm64(s) * z->total) >> 64);
    i = z->guide[(uint32_t) (((unsigned __int128) r << 12) / z->total)];

    while (z->cum[i] <= r) {
        i++;
    }

    return i;
}


/* words, with their lengths, capitalised forms and slugs */

#define WORD_MAX  30

typedef struct {
    const char  *s;
    uint32_t     len;
    char         cap[WORD_MAX + 18];
    uint32_t     caplen;
    char         slug[WORD_MAX + 18];
    uint32_t     sluglen;
} word_t;

/* the vocabulary in use: "-v small" or "-v large" */

#define DICT_DEFAULT  "/usr/share/dict/french"
#define LARGE_SIZE    20000

static int          large = 1;
static uint32_t     large_size = LARGE_SIZE;
static const char  *dict_path = DICT_DEFAULT;
static uint32_t     dict_usable;
static uint32_t     nbase;             /* words of vocab[] in words[] */
static uint64_t     vocab_sum;

static word_t      *words;
static uint32_t     nwords;
static zipf_t       zw, zk, zt;
static char        *keywords[NKW_MAX];
static uint32_t     kwlen[NKW_MAX];
static uint32_t     nkw;


/* lower case ASCII without accents: for slugs and for comparing keywords */

static size_t
fold_ascii(const char *s, char *out, size_t max, int dashes)
{
    const unsigned char  *p = (const unsigned char *) s;
    size_t                n = 0;
    int                   dash = 0;

    static const char  *latin1 =   /* U+00C0..U+00FF, lower case, no marks */
        "aaaaaaaceeeeiiiidnooooo*ouuuuyts"
        "aaaaaaaceeeeiiiidnooooo/ouuuuyty";

    while (*p && n + 3 < max) {
        char  c[3] = { 0, 0, 0 };

        if (*p < 0x80) {
            c[0] = (char) (*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
            p++;

        } else if (*p == 0xc3 && p[1] >= 0x80 && p[1] <= 0xbf) {
            c[0] = latin1[p[1] - 0x80];
            if (p[1] == 0x86 || p[1] == 0xa6) {         /* æ */
                c[0] = 'a'; c[1] = 'e';
            }
            p += 2;

        } else if (*p == 0xc5 && (p[1] == 0x92 || p[1] == 0x93)) {  /* œ */
            c[0] = 'o'; c[1] = 'e';
            p += 2;

        } else {                    /* anything else: a separator */
            c[0] = ' ';
            p++;
            while ((*p & 0xc0) == 0x80) {
                p++;
            }
        }

        for (int k = 0; k < 2 && c[k]; k++) {
            int  alnum = (c[k] >= 'a' && c[k] <= 'z')
                         || (c[k] >= '0' && c[k] <= '9');

            if (dashes && !alnum) {
                dash = n > 0;
                continue;
            }

            if (dash) {
                out[n++] = '-';
                dash = 0;
            }

            out[n++] = c[k];
        }
    }

    out[n] = '\0';
    return n;
}


static void *
xmalloc(size_t n)
{
    void  *p = malloc(n);

    if (p == NULL) {
        perror("gen: malloc");
        exit(1);
    }

    return p;
}


/* FNV-1a, then murmur3's finalizer: the order of the large vocabulary */

static uint64_t
word_hash(const char *s, size_t n)
{
    uint64_t  h = 0xcbf29ce484222325ULL;
    size_t    i;

    for (i = 0; i < n; i++) {
        h = (h ^ (unsigned char) s[i]) * 0x100000001b3ULL;
    }

    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 33);
}


/*
 * A usable line of the word list: lower case French letters (a-z, the
 * accented letters of Latin-1, oe and ae) and dashes between letters,
 * 2 to WORD_MAX bytes, and not a verb form that a catalogue seldom holds.
 */

static const char  *rare_endings[] = {
    "assions", "assiez", "assent", "asse", "asses", "\xc3\xa2mes",
    "\xc3\xa2tes", "\xc3\xa8rent", "erions", "eriez", "eraient", "erais",
    "erait", "erons", "eront", "erez", "issions", "issiez", "issent",
    "\xc3\xaemes", "\xc3\xaetes", "irent", "ussions", "ussent",
    "\xc3\xbbmes", "\xc3\xbbtes", "urent", "\xc3\xa2t", "\xc3\xaet",
    "\xc3\xbbt",
};


static int
usable(const char *s, size_t n)
{
    const unsigned char  *p = (const unsigned char *) s;
    size_t                i, k, e;
    int                   dash = 1;    /* no dash first */

    if (n < 2 || n > WORD_MAX) {
        return 0;
    }

    for (i = 0; i < n; i++) {
        if (p[i] >= 'a' && p[i] <= 'z') {
            dash = 0;

        } else if (p[i] == '-') {
            if (dash) {
                return 0;
            }
            dash = 1;

        } else if (p[i] == 0xc3 && i + 1 < n && p[i + 1] >= 0xa0
                   && p[i + 1] <= 0xbf && p[i + 1] != 0xb7)
        {
            dash = 0;
            i++;

        } else if (p[i] == 0xc5 && i + 1 < n && p[i + 1] == 0x93) {
            dash = 0;
            i++;

        } else {
            return 0;
        }
    }

    if (dash) {
        return 0;
    }

    for (k = 0; k < sizeof(rare_endings) / sizeof(rare_endings[0]); k++) {
        e = strlen(rare_endings[k]);
        if (n > e && memcmp(s + n - e, rare_endings[k], e) == 0) {
            return 0;
        }
    }

    return 1;
}


typedef struct {
    uint64_t     h;
    const char  *s;
} dword_t;


static int
dword_cmp(const void *a, const void *b)
{
    const dword_t  *x = a, *y = b;

    if (x->h != y->h) {
        return x->h < y->h ? -1 : 1;
    }

    return strcmp(x->s, y->s);
}


/* one of the 536 words: a binary search by hash in their sorted table */

static int
in_vocab(const dword_t *v, size_t nv, const dword_t *w)
{
    size_t  lo = 0, hi = nv, mid;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        if (dword_cmp(&v[mid], w) < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }

    return lo < nv && dword_cmp(&v[lo], w) == 0;
}


/* the words of the large vocabulary after the 532: into words[nbase..] */

static void
load_dict(void)
{
    FILE      *f;
    char      *text, *p, *nl, *end;
    long       size;
    size_t     n, got, cap = 1 << 16;
    uint32_t   i, j, need;
    dword_t   *d, v[NVOCAB];

    for (i = 0; i < NVOCAB; i++) {
        v[i].h = word_hash(vocab[i], strlen(vocab[i]));
        v[i].s = vocab[i];
    }

    qsort(v, NVOCAB, sizeof(dword_t), dword_cmp);

    f = fopen(dict_path, "rb");
    if (f == NULL) {
        fprintf(stderr, "gen: %s: %s: the large vocabulary needs a French word "
                "list (apt-get install wfrench, or -d FILE), or use -v small\n",
                dict_path, strerror(errno));
        exit(1);
    }

    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0
        || fseek(f, 0, SEEK_SET) != 0)
    {
        fprintf(stderr, "gen: %s: not a regular file\n", dict_path);
        exit(1);
    }

    text = xmalloc((size_t) size + 1);
    got = fread(text, 1, (size_t) size, f);
    if (got != (size_t) size || ferror(f)) {
        fprintf(stderr, "gen: %s: read error\n", dict_path);
        exit(1);
    }

    fclose(f);
    text[size] = '\0';

    d = xmalloc(cap * sizeof(dword_t));
    n = 0;

    for (p = text, end = text + size; p < end; p = nl + 1) {
        nl = memchr(p, '\n', end - p);
        if (nl == NULL) {
            nl = end;
        }

        *nl = '\0';
        if (nl > p && nl[-1] == '\r') {
            nl[-1] = '\0';
        }

        if (!usable(p, strlen(p))) {
            continue;
        }

        if (n == cap) {
            cap *= 2;
            d = realloc(d, cap * sizeof(dword_t));
            if (d == NULL) {
                perror("gen: realloc");
                exit(1);
            }
        }

        d[n].h = word_hash(p, strlen(p));
        d[n].s = p;

        if (!in_vocab(v, NVOCAB, &d[n])) {
            n++;
        }
    }

    qsort(d, n, sizeof(dword_t), dword_cmp);

    /* duplicates are neighbours: same hash, same bytes */
    for (i = 0, j = 0; i < n; i++) {
        if (j > 0 && d[j - 1].h == d[i].h && strcmp(d[j - 1].s, d[i].s) == 0) {
            continue;
        }
        d[j++] = d[i];
    }

    dict_usable = j;
    need = large_size - nbase;

    if (dict_usable < need) {
        fprintf(stderr, "gen: %s: %u usable words, the vocabulary of %u "
                "needs %u\n", dict_path, dict_usable, large_size, need);
        exit(1);
    }

    for (i = 0; i < need; i++) {
        words[nbase + i].s = d[i].s;          /* into text, kept */
    }

    free(d);
}


static void
init_words(void)
{
    size_t  i;

    nwords = large ? large_size : NVOCAB;
    words = xmalloc(nwords * sizeof(word_t));

    /* the small vocabulary as it always was, its 4 repeated words too */
    for (nbase = 0, i = 0; i < NVOCAB; i++) {
        size_t  j;

        for (j = 0; large && j < i && strcmp(vocab[j], vocab[i]) != 0; j++) {
            /* void */
        }

        if (!large || j == i) {
            words[nbase++].s = vocab[i];
        }
    }

    if (large) {
        load_dict();
    }

    vocab_sum = 0xcbf29ce484222325ULL;

    for (i = 0; i < nwords; i++) {
        word_t               *w = &words[i];
        const unsigned char  *p = (const unsigned char *) w->s;

        w->len = strlen(w->s);
        memcpy(w->cap, w->s, w->len + 1);

        if (*p >= 'a' && *p <= 'z') {
            w->cap[0] = (char) (*p - 32);

        } else if (*p == 0xc3 && p[1] >= 0xa0 && p[1] <= 0xbe && p[1] != 0xb7) {
            w->cap[1] = (char) (p[1] - 0x20);

        } else if (*p == 0xc5 && p[1] == 0x93) {
            w->cap[1] = (char) 0x92;
        }

        w->caplen = w->len;
        w->sluglen = fold_ascii(w->s, w->slug, sizeof(w->slug), 1);

        /* the checksum of "gen -i": every word and its rank */
        vocab_sum = (vocab_sum ^ word_hash(w->s, w->len)) * 0x100000001b3ULL;
    }

    zipf_init(&zw, nwords);
    zipf_init(&zt, NTYPES);
}


static void
init_keywords(void)
{
    size_t   i, a, b, k;
    char     fa[256], fb[256];
    char   **folded;

    folded = malloc(NKW_MAX * sizeof(char *));
    if (folded == NULL) {
        perror("gen: malloc");
        exit(1);
    }

    nkw = 0;

    for (i = 0; i < sizeof(kw_real) / sizeof(kw_real[0]); i++) {
        keywords[nkw] = strdup(kw_real[i]);
        fold_ascii(keywords[nkw], fa, sizeof(fa), 0);
        folded[nkw++] = strdup(fa);
    }

    /* pairs, qualifier-major so that consecutive ranks vary their noun */
    for (a = 0; nkw < NKW_MAX && a < sizeof(kw_quals) / sizeof(kw_quals[0]);
         a++)
    {
        for (b = 0; nkw < NKW_MAX && b < sizeof(kw_nouns) / sizeof(kw_nouns[0]);
             b++)
        {
            char  buf[256];

            snprintf(buf, sizeof(buf), "%s %s", kw_nouns[b], kw_quals[a]);
            fold_ascii(buf, fb, sizeof(fb), 0);

            for (k = 0; k < nkw; k++) {
                if (strcmp(folded[k], fb) == 0) {
                    break;
                }
            }

            if (k < nkw) {
                continue;
            }

            keywords[nkw] = strdup(buf);
            folded[nkw++] = strdup(fb);
        }
    }

    for (i = 0; i < nkw; i++) {
        kwlen[i] = strlen(keywords[i]);
        free(folded[i]);
    }

    free(folded);
    zipf_init(&zk, nkw);
}


/* an output buffer for one record */

typedef struct {
    char    *p;
    char    *start;
    char    *end;
} out_t;


static inline void
put(out_t *o, const char *s, size_t n)
{
    memcpy(o->p, s, n);
    o->p += n;
}

#define PUTS(o, lit)  put(o, lit, sizeof(lit) - 1)


/* JSON-escaped (only '"' and '\\' can occur in our strings) */

static void
put_json(out_t *o, const char *s, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        if (s[i] == '"' || s[i] == '\\') {
            *o->p++ = '\\';
        }

        *o->p++ = s[i];
    }
}


static void
put_uint(out_t *o, uint32_t v)
{
    char  b[16];
    int   n = 0;

    do {
        b[n++] = (char) ('0' + v % 10);
        v /= 10;
    } while (v);

    while (n) {
        *o->p++ = b[--n];
    }
}


static void
put_2d(out_t *o, uint32_t v)
{
    *o->p++ = (char) ('0' + v / 10);
    *o->p++ = (char) ('0' + v % 10);
}


/* a sentence of n words, capitalised, with an occasional comma */

static void
sentence_n(out_t *o, uint64_t *s, uint32_t n, int dot)
{
    uint32_t  i, w, prev = (uint32_t) -1;

    for (i = 0; i < n; i++) {
        do {
            w = zipf_draw(&zw, s);
        } while (w == prev);

        prev = w;

        if (i == 0) {
            put(o, words[w].cap, words[w].caplen);

        } else {
            if (i + 1 < n && i > 2 && (sm64(s) & 15) == 0) {
                *o->p++ = ',';
            }

            *o->p++ = ' ';
            put(o, words[w].s, words[w].len);
        }
    }

    if (dot) {
        *o->p++ = '.';
    }
}


static void
sentence(out_t *o, uint64_t *s, uint32_t lo, uint32_t hi, int dot)
{
    sentence_n(o, s, lo + below(s, hi - lo + 1), dot);
}


/* text of at least `target` bytes: sentences, paragraphs every 3-6 */

static void
text(out_t *o, uint64_t *s, size_t target, int paragraphs)
{
    char      *start = o->p;
    uint32_t   in_par = 0, par_len = 3 + below(s, 4);

    for ( ;; ) {
        sentence(o, s, 6, 22, 1);

        if ((size_t) (o->p - start) >= target) {
            break;
        }

        if (paragraphs && ++in_par == par_len) {
            PUTS(o, "\\n\\n");
            in_par = 0;
            par_len = 3 + below(s, 4);

        } else {
            *o->p++ = ' ';
        }
    }
}


/* text of exactly `target` words (the large catalogue): the same sentences */

static void
text_words(out_t *o, uint64_t *s, uint32_t target, int paragraphs)
{
    uint32_t  n, in_par = 0, par_len = 3 + below(s, 4);

    for ( ;; ) {
        n = 6 + below(s, 17);
        if (n > target) {
            n = target;
        }

        sentence_n(o, s, n, 1);
        target -= n;

        if (target == 0) {
            break;
        }

        if (paragraphs && ++in_par == par_len) {
            PUTS(o, "\\n\\n");
            in_par = 0;
            par_len = 3 + below(s, 4);

        } else {
            *o->p++ = ' ';
        }
    }
}


static void
record(out_t *o, uint64_t seed, uint64_t index)
{
    uint64_t   st, *s = &st;
    uint32_t   type, nk, i, j, k, kws[8], year, month, number = 0, nlinks;
    int        priv, dated, series;
    char       title[1024], *tp, slug[256], *id, *id_end;
    size_t     tlen, slen;
    out_t      t;

    st = seed * 0x9e3779b97f4a7c15ULL ^ (index + 1) * 0xd1b54a32d192ed03ULL;
    sm64(s);

    type = zipf_draw(&zt, s);
    priv = below(s, 100) < 2;
    dated = below(s, 100) >= 3;
    year = 2000 + below(s, 26);
    month = 1 + below(s, 12);
    series = type == 0 && below(s, 100) < 30;

    /* title */

    t.p = t.start = title;

    /* titles of 5-15 words in the large catalogue, prefix included */

    if (series) {
        number = 1 + below(s, 300);
        PUTS(&t, "Fiche Déniché pour vous n°");
        put_uint(&t, number);
        PUTS(&t, " - ");
        sentence(&t, s, 2, large ? 10 : 6, 0);

    } else if (type == 2) {
        PUTS(&t, "Guide : « ");
        sentence(&t, s, large ? 4 : 3, large ? 14 : 9, 0);
        PUTS(&t, " »");

    } else if (type == 3) {
        PUTS(&t, "Webinaire \"");
        sentence(&t, s, large ? 4 : 3, large ? 14 : 9, 0);
        PUTS(&t, "\"");

    } else if (type == 4) {
        PUTS(&t, "Compte rendu : ");
        sentence(&t, s, 3, large ? 13 : 10, 0);

    } else if (type == 6) {
        PUTS(&t, "Étude : ");
        sentence(&t, s, large ? 4 : 3, large ? 14 : 10, 0);

    } else {
        sentence(&t, s, large ? 5 : 3, large ? 15 : 12, 0);
    }

    tlen = t.p - title;
    title[tlen] = '\0';

    /* the id: the title's slug, cut at 60 at a dash, then "-<index>" */

    slen = fold_ascii(title, slug, 61, 1);
    if (slen == 60) {
        tp = strrchr(slug, '-');
        if (tp != NULL && tp > slug) {
            slen = tp - slug;
        }
    }

    while (slen > 0 && slug[slen - 1] == '-') {
        slen--;
    }

    PUTS(o, "{\"id\":\"");
    id = o->p;
    put(o, slug, slen);
    if (slen) {
        *o->p++ = '-';
    }
    put_uint(o, (uint32_t) index);
    id_end = o->p;

    PUTS(o, "\",\"title\":\"");
    put_json(o, title, tlen);
    PUTS(o, "\",\"type\":\"");
    put(o, types[type], strlen(types[type]));
    PUTS(o, "\",\"private\":");
    if (priv) {
        PUTS(o, "true");
    } else {
        PUTS(o, "false");
    }

    PUTS(o, ",\"date\":");
    if (dated) {
        *o->p++ = '"';
        put_uint(o, year);
        *o->p++ = '-';
        put_2d(o, month);
        *o->p++ = '"';

    } else {
        PUTS(o, "null");
    }

    if (below(s, 100) < 10) {
        uint32_t  uy = dated ? year + below(s, 3) : 2000 + below(s, 26);

        PUTS(o, ",\"updated\":\"");
        put_uint(o, uy > 2025 ? 2025 : uy);
        *o->p++ = '-';
        put_2d(o, 1 + below(s, 12));
        *o->p++ = '-';
        put_2d(o, 1 + below(s, 28));
        *o->p++ = '"';
    }

    /* keywords: none for 5%, else 1..6 distinct */

    nk = below(s, 100) < 5 ? 0 : 1 + below(s, 6);

    for (i = 0; i < nk; i++) {
        for (k = 0; k < 20; k++) {
            kws[i] = zipf_draw(&zk, s);
            for (j = 0; j < i && kws[j] != kws[i]; j++) { /* void */ }
            if (j == i) {
                break;
            }
        }

        if (k == 20) {
            break;
        }
    }

    nk = i;

    PUTS(o, ",\"keywords\":[");
    for (i = 0; i < nk; i++) {
        if (i) {
            *o->p++ = ',';
        }
        *o->p++ = '"';
        put(o, keywords[kws[i]], kwlen[kws[i]]);
        *o->p++ = '"';
    }

    PUTS(o, "],\"series\":");
    if (series) {
        PUTS(o, "\"Déniché pour vous\",\"number\":");
        put_uint(o, number);

    } else {
        PUTS(o, "null,\"number\":null");
    }

    PUTS(o, ",\"summary\":\"");
    if (large) {
        text_words(o, s, 45 + below(s, 31), 0);
    } else {
        text(o, s, 200 + below(s, 161), 0);
    }

    PUTS(o, "\",\"body\":\"");
    if (large) {
        text_words(o, s, 200 + below(s, 101), 1);
    } else {
        text(o, s, 1500 + below(s, 1801), 1);
    }

    PUTS(o, "\",\"links\":[");
    nlinks = below(s, 3);
    for (i = 0; i < nlinks; i++) {
        if (i) {
            *o->p++ = ',';
        }

        if (i == 0) {
            PUTS(o, "{\"label\":\"Téléchargez le document\",\"url\":");
        } else {
            PUTS(o, "{\"label\":\"Voir aussi\",\"url\":");
        }

        if (below(s, 4) == 0) {
            PUTS(o, "null}");

        } else {
            PUTS(o, "\"https://www.rtes.fr/sites/default/files/");
            put(o, id, id_end - id);
            if (i) {
                PUTS(o, "-annexe");
            }
            PUTS(o, ".pdf\"}");
        }
    }

    PUTS(o, "]}\n");
}


static int
write_all(const char *p, size_t n)
{
    while (n) {
        ssize_t  w = write(1, p, n);

        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            perror("gen: write");
            return -1;
        }

        p += w;
        n -= (size_t) w;
    }

    return 0;
}


static int
number(const char *s, uint64_t *v)
{
    char  *e;

    errno = 0;
    *v = strtoull(s, &e, 10);
    return (*s == '\0' || *e != '\0' || errno || *s == '-') ? -1 : 0;
}


static void
usage(void)
{
    fprintf(stderr,
            "usage: gen [-v large|small] [-V SIZE] [-d FILE] N [SEED]"
            " > catalogue.jsonl\n"
            "       gen [OPTIONS] -r INDEX [SEED] | -k RANK | -t RANK"
            " | -w RANK | -i\n");
    exit(2);
}


int
main(int argc, char **argv)
{
    uint64_t  n, seed = 1, i, v;
    size_t    cap = 1 << 22;
    char     *buf;
    out_t     o;

    /* the vocabulary's options first */

    while (argc >= 3 && argv[1][0] == '-' && argv[1][1] && !argv[1][2]
           && strchr("vVd", argv[1][1]) != NULL)
    {
        switch (argv[1][1]) {
        case 'v':
            if (strcmp(argv[2], "large") == 0) {
                large = 1;
            } else if (strcmp(argv[2], "small") == 0) {
                large = 0;
            } else {
                usage();
            }
            break;

        case 'V':
            if (number(argv[2], &v) != 0 || v < 1000 || v > 10000000) {
                fprintf(stderr, "gen: -V: a size from 1000 to 10000000\n");
                return 2;
            }
            large_size = (uint32_t) v;
            break;

        default:
            dict_path = argv[2];
        }

        argc -= 2;
        argv += 2;
    }

    init_words();
    init_keywords();

    if (argc == 2 && strcmp(argv[1], "-i") == 0) {
        if (large) {
            printf("large vocabulary: %u distinct words (%u, then %u of the"
                   " %u usable words of %s), checksum %016llx\n", nwords,
                   nbase, nwords - nbase, dict_usable, dict_path,
                   (unsigned long long) vocab_sum);
        } else {
            printf("small vocabulary: %u words, checksum %016llx\n", nwords,
                   (unsigned long long) vocab_sum);
        }

        return 0;
    }

    if (argc >= 3 && argv[1][0] == '-' && argv[1][1] && !argv[1][2]) {
        if (number(argv[2], &v) != 0) {
            usage();
        }

        switch (argv[1][1]) {
        case 'k':
        case 't':
        case 'w':
            if (argc != 3) {
                usage();
            }

            {
                uint64_t     max = argv[1][1] == 'k' ? nkw
                                   : argv[1][1] == 't' ? NTYPES : nwords;
                const char  *s;

                if (v < 1 || v > max) {
                    fprintf(stderr, "gen: rank 1 to %lu\n", (unsigned long) max);
                    return 2;
                }

                s = argv[1][1] == 'k' ? keywords[v - 1]
                    : argv[1][1] == 't' ? types[v - 1] : words[v - 1].s;
                printf("%s\n", s);
            }

            return 0;

        case 'r':
            if (argc > 4 || (argc == 4 && number(argv[3], &seed) != 0)) {
                usage();
            }

            buf = xmalloc(1 << 16);
            o.p = o.start = buf;
            record(&o, seed, v);
            return write_all(buf, o.p - buf) ? 1 : 0;

        default:
            usage();
        }
    }

    if (argc < 2 || argc > 3 || number(argv[1], &n) != 0
        || (argc == 3 && number(argv[2], &seed) != 0) || n > 1000000000)
    {
        usage();
    }

    buf = xmalloc(cap);
    o.p = o.start = buf;
    o.end = buf + cap;

    for (i = 0; i < n; i++) {
        record(&o, seed, i);

        if ((size_t) (o.end - o.p) < (1 << 16)) {
            if (write_all(buf, o.p - buf) != 0) {
                return 1;
            }
            o.p = buf;
        }
    }

    if (write_all(buf, o.p - buf) != 0) {
        return 1;
    }

    return 0;
}
