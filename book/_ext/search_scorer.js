// The search's scorer (Sphinx's html_search_scorer): a page whose title holds the whole query
// comes first. Sphinx scores a word in a page's title and a word in a section's title alike,
// then breaks ties alphabetically, so "momentum" listed "Learning-rate schedules" (a section
// on momentum) before "Momentum and Nesterov momentum".
var Scorer = {
  score: (result) => {
    const [docname, title, anchor, descr, score] = result;
    const query = (new URLSearchParams(window.location.search).get("q") || "").toLowerCase().trim();
    const wholePage = !anchor && !title.includes(" > ");  // a page, not one of its sections
    return query && wholePage && title.toLowerCase().includes(query) ? score + 20 : score;
  },
  // Sphinx's own weights (sphinx/themes/basic/static/searchtools.js, Sphinx 7.4).
  objNameMatch: 11,
  objPartialMatch: 6,
  objPrio: {0: 15, 1: 5, 2: -5},
  objPrioDefault: 0,
  title: 15,
  partialTitle: 7,
  term: 5,
  partialTerm: 2,
};
