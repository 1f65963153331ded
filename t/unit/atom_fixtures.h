/* generated from the Atom entries the loader of 0.1 stored */

static const struct {
    const char  *list;
    size_t       list_len;
    const char  *atom;
    size_t       atom_len;
} resources_atom_fixtures[] = {
    {
      "{\"id\":\"r79\",\"title\":\"\342\200\250\342\200\251\",\"type"
      "\":\"Ty \342\200\250\342\200\251\",\"private\":false,\"date\""
      ":\"2019-08\",\"updated\":null,\"keywords\":[\"k79\"],\"series"
      "\":null,\"number\":null,\"summary\":\"ctl\\u0001\\u0002\\u001"
      "F tab\\t nl\\n cr\\r\"",
      192,
      "<title>\342\200\250\342\200\251</title><link href=\"r79\"/><u"
      "pdated>2019-08-01T00:00:00Z</updated><published>2019-08-01T00"
      ":00:00Z</published><summary>ctl tab\011 nl\012 cr\015</summar"
      "y><category scheme=\"type\" term=\"Ty \342\200\250\342\200\251"
      "\"/><category term=\"k79\"/></entry>",
      228 },
    {
      "{\"id\":\"r98\",\"title\":\"t\",\"type\":\"T\",\"private\":fa"
      "lse,\"date\":\"2018-09\",\"updated\":null,\"keywords\":[\"k98"
      "\"],\"series\":\"S\",\"number\":98,\"summary\":\"\"",
      139,
      "<title>t</title><link href=\"r98\"/><updated>2018-09-01T00:00"
      ":00Z</updated><published>2018-09-01T00:00:00Z</published><cat"
      "egory scheme=\"type\" term=\"T\"/><category term=\"k98\"/></e"
      "ntry>",
      180 },
    {
      "{\"id\":\"r17\",\"title\":\"a \\\"quote\\\" & <tag> > x\",\"t"
      "ype\":\"Ty a \\\"quote\\\" & <tag> > x\",\"private\":false,\""
      "date\":\"2017-09\",\"updated\":null,\"keywords\":[\"k17\",\"a"
      " \\\"quote\\\" & <tag> > x\"],\"series\":null,\"number\":null"
      ",\"summary\":\"\303\203\302\251 \303\203\302\240 \303\203\302"
      "\247 \303\205\302\222uvre \303\257\302\254\302\201\"",
      245,
      "<title>a &quot;quote&quot; &amp; &lt;tag&gt; &gt; x</title><l"
      "ink href=\"r17\"/><updated>2017-09-01T00:00:00Z</updated><pub"
      "lished>2017-09-01T00:00:00Z</published><summary>\303\203\302\251"
      " \303\203\302\240 \303\203\302\247 \303\205\302\222uvre \303\257"
      "\302\254\302\201</summary><category scheme=\"type\" term=\"Ty"
      " a &quot;quote&quot; &amp; &lt;tag&gt; &gt; x\"/><category te"
      "rm=\"k17\"/><category term=\"a &quot;quote&quot; &amp; &lt;ta"
      "g&gt; &gt; x\"/></entry>",
      381 },
    {
      "{\"id\":\"r37\",\"title\":\"bom\357\273\277 nonchar\357\277\276"
      "\357\277\277 ok\",\"type\":\"Ty bom\357\273\277 nonchar\357\277"
      "\276\357\277\277 ok\",\"private\":false,\"date\":\"2017-02\","
      "\"updated\":null,\"keywords\":[\"k37\",\"bom\357\273\277 nonc"
      "har\357\277\276\357\277\277 ok\"],\"series\":null,\"number\":"
      "null,\"summary\":\"emoji \360\237\230\200 \364\217\277\277\"",
      230,
      "<title>bom\357\273\277 nonchar ok</title><link href=\"r37\"/>"
      "<updated>2017-02-01T00:00:00Z</updated><published>2017-02-01T"
      "00:00:00Z</published><summary>emoji \360\237\230\200 \364\217"
      "\277\277</summary><category scheme=\"type\" term=\"Ty bom\357"
      "\273\277 nonchar ok\"/><category term=\"k37\"/><category term"
      "=\"bom\357\273\277 nonchar ok\"/></entry>",
      285 },
    {
      "{\"id\":\"r56\",\"title\":\"slash / back\\\\\\\\ \",\"type\":"
      "\"Ty slash / back\\\\\\\\ \",\"private\":false,\"date\":\"201"
      "6-03\",\"updated\":\"2024-02-22\",\"keywords\":[\"k56\",\"sla"
      "sh / back\\\\\\\\ \"],\"series\":\"S\",\"number\":56,\"summar"
      "y\":\"a \\\"quote\\\" & <tag> > x\"",
      225,
      "<title>slash / back\\\\ </title><link href=\"r56\"/><updated>"
      "2024-02-22T00:00:00Z</updated><published>2016-03-01T00:00:00Z"
      "</published><summary>a &quot;quote&quot; &amp; &lt;tag&gt; &g"
      "t; x</summary><category scheme=\"type\" term=\"Ty slash / bac"
      "k\\\\ \"/><category term=\"k56\"/><category term=\"slash / ba"
      "ck\\\\ \"/></entry>",
      308 },
    {
      "{\"id\":\"r55\",\"title\":\"slash / back\\\\\\\\ \",\"type\":"
      "\"Ty slash / back\\\\\\\\ \",\"private\":false,\"date\":\"201"
      "5-02-11\",\"updated\":null,\"keywords\":[\"k55\",\"slash / ba"
      "ck\\\\\\\\ \"],\"series\":null,\"number\":null,\"summary\":\""
      "plain\"",
      205,
      "<title>slash / back\\\\ </title><link href=\"r55\"/><updated>"
      "2015-02-11T00:00:00Z</updated><published>2015-02-11T00:00:00Z"
      "</published><summary>plain</summary><category scheme=\"type\""
      " term=\"Ty slash / back\\\\ \"/><category term=\"k55\"/><cate"
      "gory term=\"slash / back\\\\ \"/></entry>",
      269 },
    {
      "{\"id\":\"r94\",\"title\":\"t\",\"type\":\"T\",\"private\":fa"
      "lse,\"date\":\"2014-05\",\"updated\":null,\"keywords\":[\"k94"
      "\"],\"series\":null,\"number\":null,\"summary\":\"\303\203\302"
      "\251 \303\203\302\240 \303\203\302\247 \303\205\302\222uvre \303"
      "\257\302\254\302\201\"",
      172,
      "<title>t</title><link href=\"r94\"/><updated>2014-05-01T00:00"
      ":00Z</updated><published>2014-05-01T00:00:00Z</published><sum"
      "mary>\303\203\302\251 \303\203\302\240 \303\203\302\247 \303\205"
      "\302\222uvre \303\257\302\254\302\201</summary><category sche"
      "me=\"type\" term=\"T\"/><category term=\"k94\"/></entry>",
      229 },
    {
      "{\"id\":\"r13\",\"title\":\"a \\\"quote\\\" & <tag> > x\",\"t"
      "ype\":\"Ty a \\\"quote\\\" & <tag> > x\",\"private\":false,\""
      "date\":\"2013-05\",\"updated\":null,\"keywords\":[\"k13\",\"a"
      " \\\"quote\\\" & <tag> > x\"],\"series\":null,\"number\":null"
      ",\"summary\":\"ctl\\u0001\\u0002\\u001F tab\\t nl\\n cr\\r\"",
      252,
      "<title>a &quot;quote&quot; &amp; &lt;tag&gt; &gt; x</title><l"
      "ink href=\"r13\"/><updated>2013-05-01T00:00:00Z</updated><pub"
      "lished>2013-05-01T00:00:00Z</published><summary>ctl tab\011 n"
      "l\012 cr\015</summary><category scheme=\"type\" term=\"Ty a &"
      "quot;quote&quot; &amp; &lt;tag&gt; &gt; x\"/><category term=\""
      "k13\"/><category term=\"a &quot;quote&quot; &amp; &lt;tag&gt;"
      " &gt; x\"/></entry>",
      367 },
    {
      "{\"id\":\"r32\",\"title\":\"ctl\\u0001\\u0002\\u001F tab\\t n"
      "l\\n cr\\r\",\"type\":\"Ty ctl\\u0001\\u0002\\u001F tab\\t nl"
      "\\n cr\\r\",\"private\":false,\"date\":\"2012-06\",\"updated\""
      ":\"2024-02-25\",\"keywords\":[\"k32\",\"ctl\\u0001\\u0002\\u0"
      "01F tab\\t nl\\n cr\\r\"],\"series\":null,\"number\":null,\"s"
      "ummary\":\"\"",
      265,
      "<title>ctl tab\011 nl\012 cr\015</title><link href=\"r32\"/><"
      "updated>2024-02-25T00:00:00Z</updated><published>2012-06-01T0"
      "0:00:00Z</published><category scheme=\"type\" term=\"Ty ctl t"
      "ab\011 nl\012 cr\015\"/><category term=\"k32\"/><category ter"
      "m=\"ctl tab\011 nl\012 cr\015\"/></entry>",
      248 },
    {
      "{\"id\":\"r31\",\"title\":\"ctl\\u0001\\u0002\\u001F tab\\t n"
      "l\\n cr\\r\",\"type\":\"Ty ctl\\u0001\\u0002\\u001F tab\\t nl"
      "\\n cr\\r\",\"private\":false,\"date\":\"2011-05\",\"updated\""
      ":null,\"keywords\":[\"k31\",\"ctl\\u0001\\u0002\\u001F tab\\t"
      " nl\\n cr\\r\"],\"series\":null,\"number\":null,\"summary\":\""
      " \"",
      258,
      "<title>ctl tab\011 nl\012 cr\015</title><link href=\"r31\"/><"
      "updated>2011-05-01T00:00:00Z</updated><published>2011-05-01T0"
      "0:00:00Z</published><summary> </summary><category scheme=\"ty"
      "pe\" term=\"Ty ctl tab\011 nl\012 cr\015\"/><category term=\""
      "k31\"/><category term=\"ctl tab\011 nl\012 cr\015\"/></entry>",
      268 },
    {
      "{\"id\":\"r70\",\"title\":\"\303\203\302\251 \303\203\302\240"
      " \303\203\302\247 \303\205\302\222uvre \303\257\302\254\302\201"
      "\",\"type\":\"Ty \303\203\302\251 \303\203\302\240 \303\203\302"
      "\247 \303\205\302\222uvre \303\257\302\254\302\201\",\"privat"
      "e\":false,\"date\":\"2010-08-17\",\"updated\":null,\"keywords"
      "\":[\"k70\",\"\303\203\302\251 \303\203\302\240 \303\203\302\247"
      " \303\205\302\222uvre \303\257\302\254\302\201\"],\"series\":"
      "\"S\",\"number\":70,\"summary\":\"emoji \360\237\230\200 \364"
      "\217\277\277\"",
      251,
      "<title>\303\203\302\251 \303\203\302\240 \303\203\302\247 \303"
      "\205\302\222uvre \303\257\302\254\302\201</title><link href=\""
      "r70\"/><updated>2010-08-17T00:00:00Z</updated><published>2010"
      "-08-17T00:00:00Z</published><summary>emoji \360\237\230\200 \364"
      "\217\277\277</summary><category scheme=\"type\" term=\"Ty \303"
      "\203\302\251 \303\203\302\240 \303\203\302\247 \303\205\302\222"
      "uvre \303\257\302\254\302\201\"/><category term=\"k70\"/><cat"
      "egory term=\"\303\203\302\251 \303\203\302\240 \303\203\302\247"
      " \303\205\302\222uvre \303\257\302\254\302\201\"/></entry>",
      324 },
    {
      "{\"id\":\"r89\",\"title\":\"t\",\"type\":\"T\",\"private\":fa"
      "lse,\"date\":\"2009-09\",\"updated\":null,\"keywords\":[\"k89"
      "\"],\"series\":null,\"number\":null,\"summary\":\"a \\\"quote"
      "\\\" & <tag> > x\"",
      165,
      "<title>t</title><link href=\"r89\"/><updated>2009-09-01T00:00"
      ":00Z</updated><published>2009-09-01T00:00:00Z</published><sum"
      "mary>a &quot;quote&quot; &amp; &lt;tag&gt; &gt; x</summary><c"
      "ategory scheme=\"type\" term=\"T\"/><category term=\"k89\"/><"
      "/entry>",
      243 },
    {
      "{\"id\":\"r109\",\"title\":\" \",\"type\":\"T\",\"private\":f"
      "alse,\"date\":\"2009-02\",\"updated\":null,\"keywords\":[\"k1"
      "09\"],\"series\":null,\"number\":null,\"summary\":\"\"",
      144,
      "<title> </title><link href=\"r109\"/><updated>2009-02-01T00:0"
      "0:00Z</updated><published>2009-02-01T00:00:00Z</published><ca"
      "tegory scheme=\"type\" term=\"T\"/><category term=\"k109\"/><"
      "/entry>",
      182 },
    {
      "{\"id\":\"r68\",\"title\":\"\303\203\302\251 \303\203\302\240"
      " \303\203\302\247 \303\205\302\222uvre \303\257\302\254\302\201"
      "\",\"type\":\"Ty \303\203\302\251 \303\203\302\240 \303\203\302"
      "\247 \303\205\302\222uvre \303\257\302\254\302\201\",\"privat"
      "e\":false,\"date\":\"2008-06\",\"updated\":\"2024-02-25\",\"k"
      "eywords\":[\"k68\",\"\303\203\302\251 \303\203\302\240 \303\203"
      "\302\247 \303\205\302\222uvre \303\257\302\254\302\201\"],\"s"
      "eries\":null,\"number\":null,\"summary\":\"ctl\\u0001\\u0002\\"
      "u001F tab\\t nl\\n cr\\r\"",
      281,
      "<title>\303\203\302\251 \303\203\302\240 \303\203\302\247 \303"
      "\205\302\222uvre \303\257\302\254\302\201</title><link href=\""
      "r68\"/><updated>2024-02-25T00:00:00Z</updated><published>2008"
      "-06-01T00:00:00Z</published><summary>ctl tab\011 nl\012 cr\015"
      "</summary><category scheme=\"type\" term=\"Ty \303\203\302\251"
      " \303\203\302\240 \303\203\302\247 \303\205\302\222uvre \303\257"
      "\302\254\302\201\"/><category term=\"k68\"/><category term=\""
      "\303\203\302\251 \303\203\302\240 \303\203\302\247 \303\205\302"
      "\222uvre \303\257\302\254\302\201\"/></entry>",
      325 },
    {
      "{\"id\":\"r7\",\"title\":\"plain\",\"type\":\"Ty plain\",\"pr"
      "ivate\":false,\"date\":\"2007-08\",\"updated\":null,\"keyword"
      "s\":[\"k7\",\"plain\"],\"series\":\"S\",\"number\":7,\"summar"
      "y\":\"\342\200\250\342\200\251\"",
      161,
      "<title>plain</title><link href=\"r7\"/><updated>2007-08-01T00"
      ":00:00Z</updated><published>2007-08-01T00:00:00Z</published><"
      "summary>\342\200\250\342\200\251</summary><category scheme=\""
      "type\" term=\"Ty plain\"/><category term=\"k7\"/><category te"
      "rm=\"plain\"/></entry>",
      238 },
    {
      "{\"id\":\"r26\",\"title\":\"ctl\\u0001\\u0002\\u001F tab\\t n"
      "l\\n cr\\r\",\"type\":\"Ty ctl\\u0001\\u0002\\u001F tab\\t nl"
      "\\n cr\\r\",\"private\":false,\"date\":\"2006-09\",\"updated\""
      ":null,\"keywords\":[\"k26\",\"ctl\\u0001\\u0002\\u001F tab\\t"
      " nl\\n cr\\r\"],\"series\":null,\"number\":null,\"summary\":\""
      "emoji \360\237\230\200 \364\217\277\277\"",
      272,
      "<title>ctl tab\011 nl\012 cr\015</title><link href=\"r26\"/><"
      "updated>2006-09-01T00:00:00Z</updated><published>2006-09-01T0"
      "0:00:00Z</published><summary>emoji \360\237\230\200 \364\217\277"
      "\277</summary><category scheme=\"type\" term=\"Ty ctl tab\011"
      " nl\012 cr\015\"/><category term=\"k26\"/><category term=\"ct"
      "l tab\011 nl\012 cr\015\"/></entry>",
      282 },
    {
      "{\"id\":\"r46\",\"title\":\"emoji \360\237\230\200 \364\217\277"
      "\277\",\"type\":\"Ty emoji \360\237\230\200 \364\217\277\277\""
      ",\"private\":false,\"date\":\"2006-02\",\"updated\":null,\"ke"
      "ywords\":[\"k46\",\"emoji \360\237\230\200 \364\217\277\277\""
      "],\"series\":null,\"number\":null,\"summary\":\"ctl\\u0001\\u"
      "0002\\u001F tab\\t nl\\n cr\\r\"",
      228,
      "<title>emoji \360\237\230\200 \364\217\277\277</title><link h"
      "ref=\"r46\"/><updated>2006-02-01T00:00:00Z</updated><publishe"
      "d>2006-02-01T00:00:00Z</published><summary>ctl tab\011 nl\012"
      " cr\015</summary><category scheme=\"type\" term=\"Ty emoji \360"
      "\237\230\200 \364\217\277\277\"/><category term=\"k46\"/><cat"
      "egory term=\"emoji \360\237\230\200 \364\217\277\277\"/></ent"
      "ry>",
      280 },
    {
      "{\"id\":\"r85\",\"title\":\"\342\200\250\342\200\251\",\"type"
      "\":\"Ty \342\200\250\342\200\251\",\"private\":false,\"date\""
      ":\"2005-05-14\",\"updated\":null,\"keywords\":[\"k85\"],\"ser"
      "ies\":null,\"number\":null,\"summary\":\"\"",
      158,
      "<title>\342\200\250\342\200\251</title><link href=\"r85\"/><u"
      "pdated>2005-05-14T00:00:00Z</updated><published>2005-05-14T00"
      ":00:00Z</published><category scheme=\"type\" term=\"Ty \342\200"
      "\250\342\200\251\"/><category term=\"k85\"/></entry>",
      193 },
    {
      "{\"id\":\"r104\",\"title\":\" \",\"type\":\"T\",\"private\":f"
      "alse,\"date\":\"2004-06\",\"updated\":\"2024-02-25\",\"keywor"
      "ds\":[\"k104\"],\"series\":null,\"number\":null,\"summary\":\""
      "slash / back\\\\\\\\ \"",
      169,
      "<title> </title><link href=\"r104\"/><updated>2024-02-25T00:0"
      "0:00Z</updated><published>2004-06-01T00:00:00Z</published><su"
      "mmary>slash / back\\\\ </summary><category scheme=\"type\" te"
      "rm=\"T\"/><category term=\"k104\"/></entry>",
      216 },
    {
      "{\"id\":\"r43\",\"title\":\"bom\357\273\277 nonchar\357\277\276"
      "\357\277\277 ok\",\"type\":\"Ty bom\357\273\277 nonchar\357\277"
      "\276\357\277\277 ok\",\"private\":false,\"date\":\"2003-08\","
      "\"updated\":null,\"keywords\":[\"k43\",\"bom\357\273\277 nonc"
      "har\357\277\276\357\277\277 ok\"],\"series\":null,\"number\":"
      "null,\"summary\":\"\"",
      215,
      "<title>bom\357\273\277 nonchar ok</title><link href=\"r43\"/>"
      "<updated>2003-08-01T00:00:00Z</updated><published>2003-08-01T"
      "00:00:00Z</published><category scheme=\"type\" term=\"Ty bom\357"
      "\273\277 nonchar ok\"/><category term=\"k43\"/><category term"
      "=\"bom\357\273\277 nonchar ok\"/></entry>",
      251 },
    {
      "{\"id\":\"r83\",\"title\":\"\342\200\250\342\200\251\",\"type"
      "\":\"Ty \342\200\250\342\200\251\",\"private\":false,\"date\""
      ":\"2003-03\",\"updated\":null,\"keywords\":[\"k83\"],\"series"
      "\":null,\"number\":null,\"summary\":\"\303\203\302\251 \303\203"
      "\302\240 \303\203\302\247 \303\205\302\222uvre \303\257\302\254"
      "\302\201\"",
      185,
      "<title>\342\200\250\342\200\251</title><link href=\"r83\"/><u"
      "pdated>2003-03-01T00:00:00Z</updated><published>2003-03-01T00"
      ":00:00Z</published><summary>\303\203\302\251 \303\203\302\240"
      " \303\203\302\247 \303\205\302\222uvre \303\257\302\254\302\201"
      "</summary><category scheme=\"type\" term=\"Ty \342\200\250\342"
      "\200\251\"/><category term=\"k83\"/></entry>",
      242 },
    {
      "{\"id\":\"r2\",\"title\":\"plain\",\"type\":\"Ty plain\",\"pr"
      "ivate\":false,\"date\":\"2002-03\",\"updated\":null,\"keyword"
      "s\":[\"k2\",\"plain\"],\"series\":null,\"number\":null,\"summ"
      "ary\":\"ctl\\u0001\\u0002\\u001F tab\\t nl\\n cr\\r\"",
      196,
      "<title>plain</title><link href=\"r2\"/><updated>2002-03-01T00"
      ":00:00Z</updated><published>2002-03-01T00:00:00Z</published><"
      "summary>ctl tab\011 nl\012 cr\015</summary><category scheme=\""
      "type\" term=\"Ty plain\"/><category term=\"k2\"/><category te"
      "rm=\"plain\"/></entry>",
      248 },
    {
      "{\"id\":\"r41\",\"title\":\"bom\357\273\277 nonchar\357\277\276"
      "\357\277\277 ok\",\"type\":\"Ty bom\357\273\277 nonchar\357\277"
      "\276\357\277\277 ok\",\"private\":false,\"date\":\"2001-06\","
      "\"updated\":null,\"keywords\":[\"k41\",\"bom\357\273\277 nonc"
      "har\357\277\276\357\277\277 ok\"],\"series\":null,\"number\":"
      "null,\"summary\":\"\"",
      215,
      "<title>bom\357\273\277 nonchar ok</title><link href=\"r41\"/>"
      "<updated>2001-06-01T00:00:00Z</updated><published>2001-06-01T"
      "00:00:00Z</published><category scheme=\"type\" term=\"Ty bom\357"
      "\273\277 nonchar ok\"/><category term=\"k41\"/><category term"
      "=\"bom\357\273\277 nonchar ok\"/></entry>",
      251 },
    {
      "{\"id\":\"r80\",\"title\":\"\342\200\250\342\200\251\",\"type"
      "\":\"Ty \342\200\250\342\200\251\",\"private\":false,\"date\""
      ":\"2000-09-18\",\"updated\":\"2024-02-28\",\"keywords\":[\"k8"
      "0\"],\"series\":null,\"number\":null,\"summary\":\"bom\357\273"
      "\277 nonchar\357\277\276\357\277\277 ok\"",
      189,
      "<title>\342\200\250\342\200\251</title><link href=\"r80\"/><u"
      "pdated>2024-02-28T00:00:00Z</updated><published>2000-09-18T00"
      ":00:00Z</published><summary>bom\357\273\277 nonchar ok</summa"
      "ry><category scheme=\"type\" term=\"Ty \342\200\250\342\200\251"
      "\"/><category term=\"k80\"/></entry>",
      229 },
    {
      "{\"id\":\"r100\",\"title\":\" \",\"type\":\"T\",\"private\":f"
      "alse,\"date\":\"2000-02-11\",\"updated\":\"2024-02-21\",\"key"
      "words\":[\"k100\"],\"series\":null,\"number\":null,\"summary\""
      ":\"a \\\"quote\\\" & <tag> > x\"",
      178,
      "<title> </title><link href=\"r100\"/><updated>2024-02-21T00:0"
      "0:00Z</updated><published>2000-02-11T00:00:00Z</published><su"
      "mmary>a &quot;quote&quot; &amp; &lt;tag&gt; &gt; x</summary><"
      "category scheme=\"type\" term=\"T\"/><category term=\"k100\"/"
      "></entry>",
      245 },
    {
      "{\"id\":\"r6\",\"title\":\"plain\",\"type\":\"Ty plain\",\"pr"
      "ivate\":false,\"date\":null,\"updated\":null,\"keywords\":[\""
      "k6\",\"plain\"],\"series\":null,\"number\":null,\"summary\":\""
      "\303\203\302\251 \303\203\302\240 \303\203\302\247 \303\205\302"
      "\222uvre \303\257\302\254\302\201\"",
      184,
      "<title>plain</title><link href=\"r6\"/><updated>1970-01-01T00"
      ":00:00Z</updated><summary>\303\203\302\251 \303\203\302\240 \303"
      "\203\302\247 \303\205\302\222uvre \303\257\302\254\302\201</s"
      "ummary><category scheme=\"type\" term=\"Ty plain\"/><category"
      " term=\"k6\"/><category term=\"plain\"/></entry>",
      219 },
    {
      "{\"id\":\"r15\",\"title\":\"a \\\"quote\\\" & <tag> > x\",\"t"
      "ype\":\"Ty a \\\"quote\\\" & <tag> > x\",\"private\":false,\""
      "date\":null,\"updated\":null,\"keywords\":[\"k15\",\"a \\\"qu"
      "ote\\\" & <tag> > x\"],\"series\":null,\"number\":null,\"summ"
      "ary\":\"emoji \360\237\230\200 \364\217\277\277\"",
      225,
      "<title>a &quot;quote&quot; &amp; &lt;tag&gt; &gt; x</title><l"
      "ink href=\"r15\"/><updated>1970-01-01T00:00:00Z</updated><sum"
      "mary>emoji \360\237\230\200 \364\217\277\277</summary><catego"
      "ry scheme=\"type\" term=\"Ty a &quot;quote&quot; &amp; &lt;ta"
      "g&gt; &gt; x\"/><category term=\"k15\"/><category term=\"a &q"
      "uot;quote&quot; &amp; &lt;tag&gt; &gt; x\"/></entry>",
      323 },
    {
      "{\"id\":\"r24\",\"title\":\"ctl\\u0001\\u0002\\u001F tab\\t n"
      "l\\n cr\\r\",\"type\":\"Ty ctl\\u0001\\u0002\\u001F tab\\t nl"
      "\\n cr\\r\",\"private\":false,\"date\":null,\"updated\":\"202"
      "4-02-26\",\"keywords\":[\"k24\",\"ctl\\u0001\\u0002\\u001F ta"
      "b\\t nl\\n cr\\r\"],\"series\":null,\"number\":null,\"summary"
      "\":\"ctl\\u0001\\u0002\\u001F tab\\t nl\\n cr\\r\"",
      297,
      "<title>ctl tab\011 nl\012 cr\015</title><link href=\"r24\"/><"
      "updated>2024-02-26T00:00:00Z</updated><summary>ctl tab\011 nl"
      "\012 cr\015</summary><category scheme=\"type\" term=\"Ty ctl "
      "tab\011 nl\012 cr\015\"/><category term=\"k24\"/><category te"
      "rm=\"ctl tab\011 nl\012 cr\015\"/></entry>",
      240 },
    {
      "{\"id\":\"r33\",\"title\":\"bom\357\273\277 nonchar\357\277\276"
      "\357\277\277 ok\",\"type\":\"Ty bom\357\273\277 nonchar\357\277"
      "\276\357\277\277 ok\",\"private\":false,\"date\":null,\"updat"
      "ed\":null,\"keywords\":[\"k33\",\"bom\357\273\277 nonchar\357"
      "\277\276\357\277\277 ok\"],\"series\":null,\"number\":null,\""
      "summary\":\"plain\"",
      215,
      "<title>bom\357\273\277 nonchar ok</title><link href=\"r33\"/>"
      "<updated>1970-01-01T00:00:00Z</updated><summary>plain</summar"
      "y><category scheme=\"type\" term=\"Ty bom\357\273\277 nonchar"
      " ok\"/><category term=\"k33\"/><category term=\"bom\357\273\277"
      " nonchar ok\"/></entry>",
      232 },
    {
      "{\"id\":\"r42\",\"title\":\"bom\357\273\277 nonchar\357\277\276"
      "\357\277\277 ok\",\"type\":\"Ty bom\357\273\277 nonchar\357\277"
      "\276\357\277\277 ok\",\"private\":false,\"date\":null,\"updat"
      "ed\":null,\"keywords\":[\"k42\",\"bom\357\273\277 nonchar\357"
      "\277\276\357\277\277 ok\"],\"series\":\"S\",\"number\":42,\"s"
      "ummary\":\" \"",
      208,
      "<title>bom\357\273\277 nonchar ok</title><link href=\"r42\"/>"
      "<updated>1970-01-01T00:00:00Z</updated><summary> </summary><c"
      "ategory scheme=\"type\" term=\"Ty bom\357\273\277 nonchar ok\""
      "/><category term=\"k42\"/><category term=\"bom\357\273\277 no"
      "nchar ok\"/></entry>",
      228 },
    {
      "{\"id\":\"r51\",\"title\":\"emoji \360\237\230\200 \364\217\277"
      "\277\",\"type\":\"Ty emoji \360\237\230\200 \364\217\277\277\""
      ",\"private\":false,\"date\":null,\"updated\":null,\"keywords\""
      ":[\"k51\",\"emoji \360\237\230\200 \364\217\277\277\"],\"seri"
      "es\":null,\"number\":null,\"summary\":\"\342\200\250\342\200\251"
      "\"",
      192,
      "<title>emoji \360\237\230\200 \364\217\277\277</title><link h"
      "ref=\"r51\"/><updated>1970-01-01T00:00:00Z</updated><summary>"
      "\342\200\250\342\200\251</summary><category scheme=\"type\" t"
      "erm=\"Ty emoji \360\237\230\200 \364\217\277\277\"/><category"
      " term=\"k51\"/><category term=\"emoji \360\237\230\200 \364\217"
      "\277\277\"/></entry>",
      227 },
    {
      "{\"id\":\"r60\",\"title\":\"slash / back\\\\\\\\ \",\"type\":"
      "\"Ty slash / back\\\\\\\\ \",\"private\":false,\"date\":null,"
      "\"updated\":\"2024-02-26\",\"keywords\":[\"k60\",\"slash / ba"
      "ck\\\\\\\\ \"],\"series\":null,\"number\":null,\"summary\":\""
      "slash / back\\\\\\\\ \"",
      217,
      "<title>slash / back\\\\ </title><link href=\"r60\"/><updated>"
      "2024-02-26T00:00:00Z</updated><summary>slash / back\\\\ </sum"
      "mary><category scheme=\"type\" term=\"Ty slash / back\\\\ \"/"
      "><category term=\"k60\"/><category term=\"slash / back\\\\ \""
      "/></entry>",
      236 },
    {
      "{\"id\":\"r69\",\"title\":\"\303\203\302\251 \303\203\302\240"
      " \303\203\302\247 \303\205\302\222uvre \303\257\302\254\302\201"
      "\",\"type\":\"Ty \303\203\302\251 \303\203\302\240 \303\203\302"
      "\247 \303\205\302\222uvre \303\257\302\254\302\201\",\"privat"
      "e\":false,\"date\":null,\"updated\":null,\"keywords\":[\"k69\""
      ",\"\303\203\302\251 \303\203\302\240 \303\203\302\247 \303\205"
      "\302\222uvre \303\257\302\254\302\201\"],\"series\":null,\"nu"
      "mber\":null,\"summary\":\"bom\357\273\277 nonchar\357\277\276"
      "\357\277\277 ok\"",
      254,
      "<title>\303\203\302\251 \303\203\302\240 \303\203\302\247 \303"
      "\205\302\222uvre \303\257\302\254\302\201</title><link href=\""
      "r69\"/><updated>1970-01-01T00:00:00Z</updated><summary>bom\357"
      "\273\277 nonchar ok</summary><category scheme=\"type\" term=\""
      "Ty \303\203\302\251 \303\203\302\240 \303\203\302\247 \303\205"
      "\302\222uvre \303\257\302\254\302\201\"/><category term=\"k69"
      "\"/><category term=\"\303\203\302\251 \303\203\302\240 \303\203"
      "\302\247 \303\205\302\222uvre \303\257\302\254\302\201\"/></e"
      "ntry>",
      283 },
    {
      "{\"id\":\"r78\",\"title\":\"\342\200\250\342\200\251\",\"type"
      "\":\"Ty \342\200\250\342\200\251\",\"private\":false,\"date\""
      ":null,\"updated\":null,\"keywords\":[\"k78\"],\"series\":null"
      ",\"number\":null,\"summary\":\"a \\\"quote\\\" & <tag> > x\"",
      173,
      "<title>\342\200\250\342\200\251</title><link href=\"r78\"/><u"
      "pdated>1970-01-01T00:00:00Z</updated><summary>a &quot;quote&q"
      "uot; &amp; &lt;tag&gt; &gt; x</summary><category scheme=\"typ"
      "e\" term=\"Ty \342\200\250\342\200\251\"/><category term=\"k7"
      "8\"/></entry>",
      213 },
    {
      "{\"id\":\"r87\",\"title\":\"\342\200\250\342\200\251\",\"type"
      "\":\"Ty \342\200\250\342\200\251\",\"private\":false,\"date\""
      ":null,\"updated\":null,\"keywords\":[\"k87\"],\"series\":null"
      ",\"number\":null,\"summary\":\"\"",
      150,
      "<title>\342\200\250\342\200\251</title><link href=\"r87\"/><u"
      "pdated>1970-01-01T00:00:00Z</updated><category scheme=\"type\""
      " term=\"Ty \342\200\250\342\200\251\"/><category term=\"k87\""
      "/></entry>",
      150 },
    {
      "{\"id\":\"r96\",\"title\":\"t\",\"type\":\"T\",\"private\":fa"
      "lse,\"date\":null,\"updated\":\"2024-02-26\",\"keywords\":[\""
      "k96\"],\"series\":null,\"number\":null,\"summary\":\"\"",
      145,
      "<title>t</title><link href=\"r96\"/><updated>2024-02-26T00:00"
      ":00Z</updated><category scheme=\"type\" term=\"T\"/><category"
      " term=\"k96\"/></entry>",
      137 },
    {
      "{\"id\":\"r105\",\"title\":\" \",\"type\":\"T\",\"private\":f"
      "alse,\"date\":null,\"updated\":null,\"keywords\":[\"k105\"],\""
      "series\":\"S\",\"number\":105,\"summary\":\"\303\203\302\251 "
      "\303\203\302\240 \303\203\302\247 \303\205\302\222uvre \303\257"
      "\302\254\302\201\"",
      167,
      "<title> </title><link href=\"r105\"/><updated>1970-01-01T00:0"
      "0:00Z</updated><summary>\303\203\302\251 \303\203\302\240 \303"
      "\203\302\247 \303\205\302\222uvre \303\257\302\254\302\201</s"
      "ummary><category scheme=\"type\" term=\"T\"/><category term=\""
      "k105\"/></entry>",
      188 },
};
