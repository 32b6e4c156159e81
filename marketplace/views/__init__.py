"""The marketplace pages, by area: browsing, selling, favourites, messaging."""
