# Error pages (problem::html_page), by HTTP status code.
error-400 = Bad request
error-401 = Please log in
error-403 = You may not open this page
error-404 = Page not found
error-405 = This page does not take this action
error-408 = The request took too long
error-409 = The data changed; please reload the page
error-413 = What you sent is too large
error-414 = The address is too long
error-415 = This kind of file or content is not supported
error-422 = The data sent could not be processed
error-429 = Too many attempts; please try again in a few minutes
error-500 = Internal error
error-503 = The service is temporarily unavailable; please try again
error-other = The request could not be completed
error-code = Error code
error-back-home = Back to the home page
