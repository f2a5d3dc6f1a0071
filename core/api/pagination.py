from rest_framework import pagination


class PagePagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class CursorPagination(pagination.CursorPagination):
    """For large tables: no COUNT(*), constant cost per page."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"

    def decode_cursor(self, request):
        # DRF checks the cursor's encoding but not its position, which goes straight into the
        # query: a forged "p=abc" would be a server error. Positions of an id ordering are integers.
        cursor = super().decode_cursor(request)
        first = self.ordering if isinstance(self.ordering, str) else self.ordering[0]
        position = cursor.position if cursor is not None else None
        if position is not None and first.lstrip("-") == "id" and not str(position).isdigit():
            raise pagination.NotFound(self.invalid_cursor_message)
        return cursor
