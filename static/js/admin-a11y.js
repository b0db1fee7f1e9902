// Names for the admin's form controls that Django and its bundled widgets render without one, so that a screen
// reader says what each is for (WCAG 1.3.1, 4.1.2): fields in table cells (tabular inlines, editable change lists)
// take their column's header; the date and time boxes of a date-time field its label and the part's own word;
// select2's boxes the label of the <select> they stand in for; the help icons of the two-box selector a role.
// The page can change (rows added, select2 and the selector drawn after load): the repairs run again then.
"use strict";
{
    const FIELDS = ["input:not([type=hidden])", "select", "textarea"];
    const within = (...containers) => containers.flatMap(container => FIELDS.map(field => `${container} ${field}`)).join();

    function isNamed(field) {
        return (field.labels && field.labels.length) || field.hasAttribute("aria-label")
            || field.hasAttribute("aria-labelledby");
    }

    function text(element) {
        return element ? element.textContent.replace(/\s+/g, " ").trim() : "";
    }

    function columnHeader(cell) {
        const head = cell.closest("table")?.tHead;
        return head && head.rows.length ? text(head.rows[0].cells[cell.cellIndex]) : "";
    }

    function fieldLabel(element) {
        const row = element.closest(".form-row, .fieldBox, .form-multiline > div");
        return text(row?.querySelector("label")).replace(/:$/, "");
    }

    function nameCellFields(root) {
        for (const field of root.querySelectorAll(within("td", "th"))) {
            const cell = field.closest("td, th");
            const header = columnHeader(cell);
            if (!isNamed(field) && header) {
                field.setAttribute("aria-label", header);
            }
        }
    }

    function nameDateTimeParts(root) {
        // <p class="datetime">Datum: <input> <br> Uhrzeit: <input></p>: each box named by the word before it.
        for (const field of root.querySelectorAll(".datetime input:not([type=hidden])")) {
            let node = field.previousSibling;
            while (node && !(node.nodeType === Node.TEXT_NODE && node.textContent.trim())) {
                node = node.previousSibling;
            }
            const part = node ? node.textContent.trim().replace(/:$/, "") : "";
            const label = fieldLabel(field) || columnHeader(field.closest("td") || field);
            if (!isNamed(field) || field.dataset.a11yNamed) {
                field.setAttribute("aria-label", [label, part].filter(Boolean).join(" – "));
                field.dataset.a11yNamed = "1";
            }
        }
    }

    function nameSelect2(root) {
        for (const select of root.querySelectorAll("select.select2-hidden-accessible")) {
            const name = text(select.labels?.[0]).replace(/:$/, "") || columnHeader(select.closest("td") || select);
            const container = select.nextElementSibling;
            if (!name || !container) {
                continue;
            }
            for (const box of container.querySelectorAll("[role=combobox], [role=textbox], .select2-search__field")) {
                box.setAttribute("aria-label", name);
            }
        }
        // The search box of an open single-choice dropdown, attached to <body>.
        for (const search of document.querySelectorAll(".select2-dropdown .select2-search__field")) {
            const owner = document.querySelector(".select2-container--open [role=combobox]");
            if (owner && owner.getAttribute("aria-label") && !search.hasAttribute("aria-label")) {
                search.setAttribute("aria-label", owner.getAttribute("aria-label"));
            }
        }
    }

    function repairSelectorIcons(root) {
        // SelectFilter2.js puts aria-label on a bare <span>, where ARIA does not allow it: make it an image.
        for (const icon of root.querySelectorAll("span.help-tooltip[aria-label]:not([role])")) {
            icon.setAttribute("role", "img");
        }
    }

    function repairScrollingGroups(root) {
        // An inline group that scrolls sideways and holds nothing to focus must itself be reachable by keyboard.
        for (const group of root.querySelectorAll(".inline-group, .results")) {
            const scrolls = group.scrollWidth > group.clientWidth || group.scrollHeight > group.clientHeight;
            // Only what is shown counts: the formset's hidden template row holds fields nobody can reach.
            const focusable = [...group.querySelectorAll(["a[href]", "button", ...FIELDS].join())]
                .some(element => element.offsetParent !== null);
            if (scrolls && !focusable && !group.hasAttribute("tabindex")) {
                group.tabIndex = 0;
            }
        }
    }

    function repair() {
        nameCellFields(document);
        nameDateTimeParts(document);
        nameSelect2(document);
        repairSelectorIcons(document);
        repairScrollingGroups(document);
    }

    let queued = false;
    function repairSoon() {
        if (!queued) {
            queued = true;
            queueMicrotask(() => {
                queued = false;
                observer.disconnect();
                repair();
                observer.observe(document.body, {childList: true, subtree: true});
            });
        }
    }
    const observer = new MutationObserver(repairSoon);

    document.addEventListener("DOMContentLoaded", () => {
        repair();
        observer.observe(document.body, {childList: true, subtree: true});
    });
    window.addEventListener("load", repairSoon);
    window.addEventListener("resize", repairSoon);
}
