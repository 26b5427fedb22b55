"""Django's password rules with the site's own Korean messages and help (settings'
AUTH_PASSWORD_VALIDATORS name these): the rules are Django's, the words are ours."""

from django.contrib.auth import password_validation


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return f"비밀번호가 너무 짧습니다. {self.min_length}자 이상으로 정해 주세요."

    def get_help_text(self):
        return f"{self.min_length}자 이상"


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    def get_error_message(self):
        return "비밀번호가 아이디, 닉네임이나 이메일과 너무 비슷합니다. 다른 비밀번호를 정해 주세요."

    def get_help_text(self):
        return "아이디, 닉네임, 이메일과 비슷하지 않게"


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def get_error_message(self):
        return "너무 흔한 비밀번호입니다. 남이 짐작하기 어려운 비밀번호를 정해 주세요."

    def get_help_text(self):
        return "흔히 쓰이는 비밀번호는 안 됨"


class NumericPasswordValidator(password_validation.NumericPasswordValidator):
    def get_error_message(self):
        return "숫자로만 된 비밀번호는 쓸 수 없습니다. 글자를 섞어 주세요."

    def get_help_text(self):
        return "숫자로만 되어 있으면 안 됨"
