// Progressive enhancement only: every page works without this file.

// inFilterPanel reports whether el sits in the search filters while they
// show as the phone's panel, where the buyer picks and then applies.
function inFilterPanel(el) {
  var filters = document.getElementById("filters");
  return !!filters && filters.contains(el) && window.getComputedStyle(filters).position === "fixed";
}

// A changed filter submits the form at once, so a buyer sees the effect;
// in the phone's panel the "apply" button does.
document.addEventListener("change", function (ev) {
  var el = ev.target;
  if (el && el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form && !inFilterPanel(el)) {
    el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
  }
});

// The phone's filter panel. Without script the button is a link to
// #filters, which the style sheet opens with :target; with script it opens
// and closes in place, holds the focus, and Escape closes it.
(function () {
  var setOpen = function (open) {
    var filters = document.getElementById("filters");
    var toggle = document.getElementById("filters-toggle");
    if (!filters || !toggle) {
      return;
    }
    filters.classList.toggle("open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    document.documentElement.classList.toggle("panel-open", open);
    if (!open && location.hash === "#filters") {
      history.replaceState(history.state, "", location.pathname + location.search);
    }
    (open ? filters : toggle).focus();
  };
  document.addEventListener("click", function (ev) {
    var el = ev.target && ev.target.closest ? ev.target.closest("#filters-toggle, #filters-close") : null;
    if (el) {
      ev.preventDefault();
      setOpen(el.id === "filters-toggle");
    }
  });
  document.addEventListener("keydown", function (ev) {
    var filters = document.getElementById("filters");
    if (ev.key === "Escape" && filters && inFilterPanel(filters.firstElementChild)) {
      setOpen(false);
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.getElementById("filters-toggle");
    if (toggle) {
      toggle.setAttribute("aria-expanded", location.hash === "#filters" ? "true" : "false");
    }
  });
})();

// A shared search URL should hold only what the buyer chose: empty fields,
// the default sort and a radius without a place are left out.
document.addEventListener("submit", function (ev) {
  var form = ev.target;
  if (form.id !== "search-form") {
    return;
  }
  var near = form.elements.namedItem("near");
  Array.prototype.forEach.call(form.elements, function (el) {
    if (!el.name) {
      return;
    }
    var unused = el.value === "" ||
      (el.name === "sort" && el.value === "relevance") ||
      (el.name === "radius_km" && near && near.value === "");
    if (unused) {
      el.disabled = true;
    }
  });
});

// Coming back with the back button may show the page as it was left: with
// the box just ticked that led away from it, and the fields above disabled.
// Put the form back to what the page's results answer.
window.addEventListener("pageshow", function () {
  var form = document.getElementById("search-form");
  if (form) {
    form.reset();
    Array.prototype.forEach.call(form.elements, function (el) {
      el.disabled = false;
    });
  }
});

// A map's own background, drawn without the tile server: the provinces'
// outlines and, zoomed in, the municipalities' names. It lies in a pane
// below the tiles, which cover it when they load.
function addBasemap(map, el) {
  if (!el.dataset.basemap) {
    return;
  }
  map.createPane("basemap");
  map.getPane("basemap").style.zIndex = 150; // tiles are at 200
  fetch(el.dataset.basemap)
    .then(function (r) { return r.json(); })
    .then(function (geo) {
      L.geoJSON(geo, { pane: "basemap", interactive: false,
        style: { color: "#7a869a", weight: 1, fillColor: "#eef1f5", fillOpacity: 1 } }).addTo(map);
      el.dataset.basemapDrawn = "true";
    })
    .catch(function () {});
  var labels = L.layerGroup();
  fetch(el.dataset.places)
    .then(function (r) { return r.json(); })
    .then(function (places) {
      places.forEach(function (p) {
        var name = document.createElement("span");
        name.textContent = p.name;
        L.marker([p.lat, p.lon], { pane: "basemap", interactive: false, keyboard: false,
          icon: L.divIcon({ className: "place-label", html: name, iconSize: null }) }).addTo(labels);
      });
      var show = function () {
        if (map.getZoom() >= 10) {
          labels.addTo(map);
        } else {
          labels.remove();
        }
      };
      map.on("zoomend", show);
      show();
    })
    .catch(function () {});
}

// The map view: the matching sites as markers. The markers come from the
// sites API with the page's own search parameters; the tiles are only a
// background, so when they cannot load the markers still show.
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("map");
  var status = document.getElementById("map-status");
  if (!el || !window.L) {
    return;
  }
  var map = L.map(el, { scrollWheelZoom: false }).setView([50.95, 4.3], 8);
  addBasemap(map, el);
  var tiles = L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution }).addTo(map);
  var say = function (label, n) {
    if (status) {
      status.textContent = label.replace("%d", n);
    }
  };
  // Tiles come from elsewhere and may not load: the markers do; say so
  // once rather than leave a grey map unexplained.
  var tileNote = document.getElementById("map-tiles");
  tiles.once("tileerror", function () {
    if (tileNote) {
      tileNote.textContent = tileNote.dataset.failedLabel;
      tileNote.hidden = false;
    }
  });
  fetch(el.dataset.sites, { headers: { Accept: "application/json" } })
    .then(function (r) {
      if (!r.ok) {
        throw new Error("HTTP " + r.status);
      }
      return r.json();
    })
    .then(function (body) {
      var bounds = [];
      body.sites.forEach(function (s) {
        var popup = document.createElement("div");
        var a = document.createElement("a");
        a.href = "/leveranciers/" + encodeURIComponent(s.supplier_id);
        a.textContent = s.name;
        var place = document.createElement("div");
        place.textContent = s.municipality;
        popup.appendChild(a);
        popup.appendChild(place);
        var facts = document.createElement("div");
        facts.className = "popup-facts";
        facts.textContent = s.unclaimed ? el.dataset.unclaimedLabel : el.dataset.fteLabel.replace("%s", s.matching_fte.toLocaleString(document.documentElement.lang || "nl"));
        popup.appendChild(facts);
        if (s.reserved) {
          var reserved = document.createElement("div");
          reserved.textContent = el.dataset.reservedLabel;
          popup.appendChild(reserved);
        }
        L.circleMarker([s.lat, s.lon], { radius: 6, weight: 1, color: "#1d4f91", fillOpacity: 0.7, className: "site-marker" })
          .bindPopup(popup)
          .addTo(map);
        bounds.push([s.lat, s.lon]);
      });
      if (bounds.length > 0) {
        map.fitBounds(bounds, { padding: [20, 20], maxZoom: 13 });
      }
      el.dataset.markers = String(bounds.length);
      say(body.truncated ? status.dataset.truncatedLabel : status.dataset.countLabel, bounds.length);
    })
    .catch(function () {
      el.dataset.markers = "0";
      say(status.dataset.failedLabel, 0);
    });
});

// The segments map: one circle per area, its area proportional to the free
// capacity there.
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("segment-map");
  var data = document.getElementById("segment-data");
  if (!el || !data || !window.L) {
    return;
  }
  var areas = JSON.parse(data.textContent);
  var map = L.map(el, { scrollWheelZoom: false }).setView([50.95, 4.3], 8);
  addBasemap(map, el);
  L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution }).addTo(map);
  var most = Math.max.apply(null, areas.map(function (a) { return a.fte; }).concat([1]));
  var bounds = [];
  areas.forEach(function (a) {
    var label = document.createElement("div");
    label.textContent = a.label + ": " + a.suppliers + " · " + a.fte + " " + el.dataset.fteLabel;
    L.circleMarker([a.lat, a.lon], { radius: 4 + 26 * Math.sqrt(a.fte / most), weight: 1, color: "#0b6e4f", fillOpacity: 0.45, className: "segment-circle" })
      .bindPopup(label).addTo(map);
    bounds.push([a.lat, a.lon]);
  });
  if (bounds.length > 1) {
    map.fitBounds(bounds, { padding: [30, 30] });
  }
  el.dataset.circles = String(areas.length);
});

// A print button prints the page (the report has a print stylesheet).
document.addEventListener("click", function (ev) {
  var el = ev.target;
  if (el && el.hasAttribute && el.hasAttribute("data-print")) {
    window.print();
  }
});

// A supplier picker: a field with data-suggest proposes the suppliers
// whose names hold what is typed (the search API), as options of its
// datalist; without script the server takes a number or a name.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input[data-suggest]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 3 || /^[0-9. ]+$/.test(q)) {
        return;
      }
      timer = setTimeout(function () {
        fetch(input.dataset.suggest + encodeURIComponent(q), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { hits: [] }; })
          .then(function (body) {
            list.textContent = "";
            (body.hits || []).forEach(function (h) {
              var o = document.createElement("option");
              o.value = h.id;
              o.textContent = h.name + " — " + h.municipality;
              list.appendChild(o);
            });
          })
          .catch(function () {});
      }, 200);
    });
  });
});
