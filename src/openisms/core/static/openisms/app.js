// Small progressive enhancements; every page works without them (CSP 'self': no inline code).
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches("select[data-autosubmit]")) el.form.requestSubmit();
});
document.addEventListener("focusin", (event) => {
  if (event.target.matches("[data-select-on-focus]")) event.target.select();
});
document.documentElement.classList.add("js");

// -- Searchable pickers (Tom Select, vendored) --------------------------------------------------
// Selects marked data-searchable by core.forms.searchable(). With data-search-url only the chosen
// options are in the page and the others come from the server as the user types.
function pickerOptions(select) {
  const options = {
    maxOptions: null, // lists of controls (93) and the like are shown whole; search narrows
    refreshThrottle: 0, // filter at once: Enter right after typing picks what was typed
    plugins: select.multiple ? ["remove_button"] : [],
    render: { no_results: () => '<div class="no-results">Nothing matches.</div>' },
  };
  if (!select.multiple) {
    // A single select keeps its "— none —" choice reachable; typing replaces the shown value.
    options.allowEmptyOption = true;
  }
  const url = select.dataset.searchUrl;
  if (url) {
    Object.assign(options, {
      valueField: "value",
      labelField: "text",
      searchField: ["text"],
      preload: "focus",
      loadThrottle: 250,
      shouldLoad: () => true,
      load(query, callback) {
        const address = `${url}?q=${encodeURIComponent(query)}`;
        fetch(address, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then((response) => (response.ok ? response.json() : { results: [] }))
          .then((data) => callback(data.results))
          .catch(() => callback());
      },
    });
  }
  return options;
}

function initPickers(root) {
  if (typeof window.TomSelect !== "function") return; // the plain select still works
  root.querySelectorAll("select[data-searchable]:not(.tomselected)").forEach((select) => {
    const picker = new window.TomSelect(select, pickerOptions(select));
    // The original select stays in the form, out of sight; only the picker is announced.
    select.setAttribute("aria-hidden", "true");
    // Keep the accessible name: Tom Select labels its input from <label for>, add the help text.
    const help = select.getAttribute("aria-describedby");
    if (help) picker.control_input.setAttribute("aria-describedby", help);
  });
}

// -- Live risk level while scoring ---------------------------------------------------------------
// The form carries the method in force (data-risk-levels); the level is looked up here, unsaved.
function swatch(colour) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("class", "swatch");
  svg.setAttribute("width", "10");
  svg.setAttribute("height", "10");
  svg.setAttribute("aria-hidden", "true");
  const rect = document.createElementNS(ns, "rect");
  for (const [k, v] of [["width", "10"], ["height", "10"], ["rx", "2"], ["fill", colour]]) {
    rect.setAttribute(k, v);
  }
  svg.appendChild(rect);
  return svg;
}

function initLevelPreview(root) {
  root.querySelectorAll("form[data-risk-levels]:not([data-preview-ready])").forEach((form) => {
    form.setAttribute("data-preview-ready", "");
    let method;
    try {
      method = JSON.parse(form.dataset.riskLevels);
    } catch {
      return;
    }
    const previews = form.querySelectorAll("[data-level-preview]");
    const score = (id) => parseInt((document.getElementById(id) || {}).value, 10);
    const update = () => {
      previews.forEach((preview) => {
        const likelihood = score(preview.dataset.likelihood);
        const impact = score(preview.dataset.impact);
        const key = (method.matrix[likelihood - 1] || [])[impact - 1];
        const level = key ? method.levels[key] : null;
        const chip = document.createElement("span");
        if (level) {
          chip.className = `level level-${key}`;
          chip.append(swatch(level.colour), ` ${level.name}`);
        } else {
          chip.className = "level unscored";
          chip.textContent = "not scored";
        }
        preview.querySelector("output").replaceChildren(chip);
      });
    };
    form.addEventListener("change", update);
    update();
  });
}

// -- Navigation below 900 px ------------------------------------------------------------------
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-nav-toggle]");
  if (!button) return;
  const open = button.getAttribute("aria-expanded") !== "true";
  button.setAttribute("aria-expanded", String(open));
  document.body.classList.toggle("nav-open", open);
  if (open) {
    const first = document.querySelector("#sidebar a");
    if (first) first.focus();
  }
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape" || !document.body.classList.contains("nav-open")) return;
  const button = document.querySelector("[data-nav-toggle]");
  document.body.classList.remove("nav-open");
  if (button) {
    button.setAttribute("aria-expanded", "false");
    button.focus();
  }
});

function enhance(root) {
  initPickers(root);
  initLevelPreview(root);
}
// htmx:load fires for the page and for every piece of content htmx swaps in.
document.addEventListener("htmx:load", (event) => enhance(event.detail.elt));
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", () => enhance(document));
} else {
  enhance(document);
}
