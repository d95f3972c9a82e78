package dev.coda.dashboard;

import dev.coda.ExceptionHandler;
import dev.coda.HttpException;
import dev.coda.Request;
import dev.coda.Response;

/** A refused or failed request as a page (escaped, like every other), keeping the exception's headers ({@code WWW-Authenticate}). */
final class ErrorPage implements ExceptionHandler<HttpException> {

    @Override
    public Response handle(Request request, HttpException e) {
        var detail = e.detail() == null ? "" : e.detail().toString();
        var html = Layout.page(request.rootPath(), Layout.Section.OVERVIEW, "Error " + e.status(),
                "<p class=\"notice problem\">" + Html.esc(detail) + "</p>");
        var response = Response.html(html).withStatus(e.status());
        for (var header : e.headers().entrySet()) {
            response = response.header(header.getKey(), header.getValue());
        }
        return response;
    }
}
